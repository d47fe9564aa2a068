// The state folder's pure parts: which names are hafarm's, the shape checks of what is read back,
// the messages of each refusal, and how file system errors become one line for the user.
import { describe, expect, it } from 'vitest';
import { fileSystemProblem } from '../../../lib/files/file-problem.ts';
import { SECRET_CHECKS } from '../../../lib/farm/lab-secrets.ts';
import { stateLayout } from '../../../lib/providers/registry.ts';
import { HAFARM_ENTRIES, isStateEntry } from '../../../lib/state/state-entries.ts';
import { formatFieldProblems, nested, oneOf, shapeProblems, text, wholeNumber } from '../../../lib/state/state-json.ts';
import { formatDamagedFile, formatFolderRefusal, listNames } from '../../../lib/state/state-problems.ts';

describe("hafarm's entries in a state folder", () => {
  // LabStateDir.path() takes only these names: hafarm's own and those the providers declare.
  it('are known by name only, not by what an object inherits', () => {
    const layout = stateLayout();
    expect(HAFARM_ENTRIES.report).toBe('folder');
    expect(isStateEntry(layout, 'report')).toBe(true);
    expect(isStateEntry(layout, '.git')).toBe(false);
    expect(isStateEntry(layout, 'toString')).toBe(false);
    expect(layout.machineTraces.length).toBeGreaterThan(0);
    expect(layout.machineTraces.every((name) => isStateEntry(layout, name))).toBe(true);
  });

  it("are hafarm's own and each provider's, which the providers declare", () => {
    const { entries, providers } = stateLayout();
    expect(providers).toEqual(['virtualbox', 'libvirt', 'netns', 'docker', 'existing']);
    expect(entries).toMatchObject({
      'lab-state.json': 'file',
      Vagrantfile: 'file',
      '.vagrant': 'folder',
      'netns.json': 'file',
      machines: 'folder',
    });
    expect(
      isStateEntry(
        { providers: [], entries: HAFARM_ENTRIES, machineTraces: [], upEntries: {}, upEntryShapes: {} },
        'Vagrantfile',
      ),
    ).toBe(false);
  });
});

describe('shape checks of what is read back', () => {
  const checks = {
    name: text(/^[a-z]+$/, 'lowercase letters'),
    size: wholeNumber(1, 9),
    kind: oneOf(['a', 'b']),
    at: nested({ x: wholeNumber(0, 1) }),
  };

  it('report every problem at once, nested ones by their dotted path', () => {
    const problems = shapeProblems({ name: 'A b', size: 10, at: { x: 2 } }, checks);
    expect(formatFieldProblems(problems)).toBe(
      'name: "A b" is not allowed (allowed: lowercase letters); size: 10 is not allowed (allowed: a whole number from 1 to 9); kind: missing; at.x: 2 is not allowed (allowed: a whole number from 0 to 1)',
    );
    expect(shapeProblems({ name: 'ok', size: 1, kind: 'b', at: { x: 0 }, extra: true }, checks)).toEqual([]);
    expect(shapeProblems({ name: 'ok', size: 1, at: { x: 0 } }, checks, ['kind'])).toEqual([]);
  });

  it('name what stands where an object belongs', () => {
    expect(formatFieldProblems(shapeProblems(null, checks))).toBe(
      'null where an object with name, size, kind, at belongs',
    );
    expect(formatFieldProblems(shapeProblems([1], checks))).toBe(
      'a list where an object with name, size, kind, at belongs',
    );
    expect(formatFieldProblems(shapeProblems({ name: 'ok', size: 1, kind: 'a', at: 'x' }, checks))).toBe(
      'at: "x" where an object with x belongs',
    );
  });

  it('accept the secrets the generators make and nothing that could add a line or a word', () => {
    const good = {
      heartbeatAuthkey: '0123456789abcdef'.repeat(3),
      keepalivedAuthPass: 'Ab3dE6gH',
      statsPassword: 'Ab3',
    };
    expect(shapeProblems(good, SECRET_CHECKS)).toEqual([]);
    for (const statsPassword of ['', 'a b', 'x\nstats admin if TRUE', 'p#ss', 'a'.repeat(65), 'é']) {
      expect(shapeProblems({ ...good, statsPassword }, SECRET_CHECKS), JSON.stringify(statsPassword)).toHaveLength(1);
    }
    for (const heartbeatAuthkey of ['abc', 'A'.repeat(48), `${'a'.repeat(47)}\n`, `${'a'.repeat(48)} x`]) {
      expect(
        shapeProblems({ ...good, heartbeatAuthkey }, SECRET_CHECKS),
        JSON.stringify(heartbeatAuthkey),
      ).toHaveLength(1);
    }
    for (const keepalivedAuthPass of ['Ab3dE6g', 'Ab3dE6gHi', 'Ab3 E6gH', 'Ab3dE6g\n', 'Ab3dE6g}']) {
      expect(
        shapeProblems({ ...good, keepalivedAuthPass }, SECRET_CHECKS),
        JSON.stringify(keepalivedAuthPass),
      ).toHaveLength(1);
    }
  });

  it('never repeat a secret, even a damaged one', () => {
    const message = formatFieldProblems(
      shapeProblems(
        { heartbeatAuthkey: 'deadbeef\nx', keepalivedAuthPass: 'Ab3dE6gH', statsPassword: 'hunter 2' },
        SECRET_CHECKS,
      ),
    );
    expect(message).toBe(
      'heartbeatAuthkey: a value of 10 characters is not allowed (allowed: 48 lowercase hexadecimal digits); statsPassword: a value of 8 characters is not allowed (allowed: 1 to 64 letters and digits)',
    );
  });
});

describe('messages', () => {
  it('a damaged file: the file, what is wrong, what to do', () => {
    expect(
      formatDamagedFile({
        file: '/p/.lab/secrets.json',
        problem: 'not JSON: Unexpected end of JSON input',
        remedy: 'delete it',
      }),
    ).toBe('/p/.lab/secrets.json is damaged (not JSON: Unexpected end of JSON input); delete it. Nothing was changed.');
  });

  it('a folder that is not a lab state folder lists a few of its names', () => {
    expect(listNames(['a', 'b'])).toBe('a, b');
    expect(listNames(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])).toBe('a, b, c, d, e, f and 2 more');
    expect(
      formatFolderRefusal({
        reason: 'foreign',
        dir: '/',
        foreign: ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'proc', 'root'],
        doing: 'destroy',
      }),
    ).toBe(
      "/ is not a lab's state folder: it holds no lab record (lab-state.json) and holds files hafarm did not make (bin, boot, dev, etc, home, lib and 2 more). " +
        'lab:destroy removes only what hafarm made, so it removed nothing. Check --state (default .lab).',
    );
    expect(formatFolderRefusal({ reason: 'not-a-folder', dir: '/dev/null', what: 'a device' })).toMatch(
      /^--state \/dev\/null is a device, not a folder/,
    );
  });
});

describe('file system errors', () => {
  const errorOf = (code: string, syscall: string, path = '/p/.lab') =>
    Object.assign(new Error(`${code}: ${syscall}`), { code, syscall, path });

  it('become one line naming the path, what the system said and what to do', () => {
    expect(fileSystemProblem(errorOf('EACCES', 'mkdir'))).toBe(
      'cannot create folder /p/.lab: permission denied (EACCES); run hafarm as a user with that permission, or pass another --state (or --out) folder.',
    );
    expect(fileSystemProblem(errorOf('EROFS', 'open', '/p/.lab/secrets.json'))).toBe(
      'cannot open /p/.lab/secrets.json: the file system is read-only (EROFS); pass a --state (or --out) folder on a writable file system.',
    );
    expect(fileSystemProblem(errorOf('ENOSPC', 'write'))).toContain(
      'no space left on the device (ENOSPC); free some space',
    );
    expect(fileSystemProblem(errorOf('EBUSY', 'rmdir'))).toBe(
      'cannot remove folder /p/.lab: it is in use, e.g. a mount point (EBUSY); unmount it or stop what uses it, then run the command again.',
    );
  });

  it('say a path that vanished in one line too', () => {
    expect(fileSystemProblem(errorOf('ENOENT', 'open'))).toBe(
      'cannot open /p/.lab: it, or a folder above it, does not exist (or was removed meanwhile) (ENOENT); check the path, or pass another one.',
    );
  });

  it('leave anything else to be reported as a bug', () => {
    expect(fileSystemProblem(new TypeError('x is undefined'))).toBeUndefined();
    expect(
      fileSystemProblem(Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' })),
    ).toBeUndefined();
    expect(fileSystemProblem(errorOf('EACCES', 'spawn ip', 'ip'))).toBeUndefined();
  });
});
