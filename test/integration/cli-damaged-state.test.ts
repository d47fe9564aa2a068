// Damaged or unusual state as a user meets it (issue 18): every case is one message naming the
// file, what is wrong and what to do, exit status 1 (2 for a bad option), no stack trace, and
// nothing written, secrets included.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';
import { expectRefused } from '../helpers/refused.ts';
import { treeOf } from '../helpers/tree.ts';

const scratch = scratchDir('damaged');
afterAll(() => scratch.remove());

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const LAB_NAME = `dmg${process.pid % 10000}`;
const labText = readFileSync(TUTORIAL_LAB, 'utf8').replace(/^name: \w+$/m, `name: ${LAB_NAME}`);
const RECORD = JSON.stringify({
  lab: LAB_NAME,
  definition: '/x/lab.yaml',
  provider: 'netns',
  created: '2024-01-01T00:00:00.000Z',
});
const SECRETS = JSON.stringify({ heartbeatAuthkey: 'a'.repeat(48), statsPassword: 'Secret123' });

let count = 0;
/** A folder with the lab definition and a state folder holding these files. */
function labDir(name: string, state: Record<string, string> = {}): string {
  const dir = join(scratch.dir, `${++count}-${name}`);
  mkdirSync(join(dir, '.lab'), { recursive: true });
  writeFileSync(join(dir, 'lab.yaml'), labText);
  for (const [file, content] of Object.entries(state)) writeFileSync(join(dir, '.lab', file), content);
  return dir;
}

const COMMANDS_READING_THE_RECORD = [
  ['status'],
  ['up', '--provider', 'virtualbox'],
  ['provision'],
  ['verify'],
  ['render', '--out', 'out'],
  ['destroy'],
  ['halt', 'web1'],
];

describe('a damaged lab-state.json', () => {
  const cases: Array<[string, (dir: string) => void, string]> = [
    ['truncated', (dir) => writeFileSync(join(dir, '.lab/lab-state.json'), RECORD.slice(0, 20)), 'not JSON: '],
    [
      'null',
      (dir) => writeFileSync(join(dir, '.lab/lab-state.json'), 'null\n'),
      'null where an object with lab, definition, provider, created belongs',
    ],
    [
      'an unknown provider',
      (dir) => writeFileSync(join(dir, '.lab/lab-state.json'), RECORD.replace('"netns"', '"vmware"')),
      'provider: "vmware" is not allowed (allowed: virtualbox, libvirt, netns, docker, existing)',
    ],
    ['a folder', (dir) => mkdirSync(join(dir, '.lab/lab-state.json')), 'a folder where hafarm keeps a file'],
    // A FIFO would hang a read for ever.
    ['a FIFO', (dir) => execFileSync('mkfifo', [join(dir, '.lab/lab-state.json')]), 'a FIFO where hafarm keeps a file'],
    [
      'several fields wrong at once',
      (dir) => writeFileSync(join(dir, '.lab/lab-state.json'), JSON.stringify({ lab: 'x\ny', provider: 3 })),
      'lab: "x\\ny" is not allowed (allowed: the lab name lab:up wrote); definition: missing; provider: 3 is not allowed',
    ],
  ];
  it.each(cases)('%s', async (_name, damage, problem) => {
    const dir = labDir('record');
    damage(dir);
    for (const args of COMMANDS_READING_THE_RECORD) {
      const stderr = await expectRefused(dir, args);
      expect(stderr, args.join(' ')).toContain(`hafarm: ${dir}/.lab/lab-state.json is damaged (${problem}`);
      expect(stderr).toContain('If those machines still exist, run lab:destroy --provider NAME');
      expect(stderr).toContain(`if none is left, remove ${dir}/.lab by hand. Nothing was changed.`);
    }
  });
});

describe('a damaged secrets.json', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['truncated', SECRETS.slice(0, 30), 'not JSON: '],
    ['null', 'null', 'null where an object with heartbeatAuthkey, keepalivedAuthPass, statsPassword belongs'],
    ['a folder', undefined, 'a folder where hafarm keeps a file'],
    // A line break would add HAProxy directives to haproxy.cfg, a space a second word to authkeys.
    [
      'a stats password with HAProxy directives',
      JSON.stringify({ heartbeatAuthkey: 'a'.repeat(48), statsPassword: 'x\n  stats admin if TRUE' }),
      'statsPassword: a value of 23 characters is not allowed (allowed: 1 to 64 letters and digits)',
    ],
    [
      'an authkey of another shape',
      JSON.stringify({ heartbeatAuthkey: 'abc def', statsPassword: 'ok' }),
      'heartbeatAuthkey: a value of 7 characters is not allowed (allowed: 48 lowercase hexadecimal digits)',
    ],
    [
      'a number for a password',
      JSON.stringify({ heartbeatAuthkey: 'a'.repeat(48), statsPassword: 1234 }),
      'statsPassword: 1234 is not allowed',
    ],
  ];
  it.each(cases)('%s: render writes nothing, status --secrets prints nothing', async (_name, content, problem) => {
    const dir = labDir('secrets');
    if (content === undefined) mkdirSync(join(dir, '.lab/secrets.json'));
    else writeFileSync(join(dir, '.lab/secrets.json'), content);
    for (const args of [
      ['render', '--out', 'out'],
      ['status', '--secrets'],
    ]) {
      const stderr = await expectRefused(dir, args);
      expect(stderr, args.join(' ')).toContain(`hafarm: ${dir}/.lab/secrets.json is damaged (${problem}`);
      expect(stderr).toContain(
        'so hafarm does not replace a bad value by itself (that would change the secrets of a running lab)',
      );
    }
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('never repeats a secret in the message', async () => {
    const dir = labDir('secret-not-shown', { 'secrets.json': '{"heartbeatAuthkey": s3cr3tvalue' });
    const stderr = await expectRefused(dir, ['render', '--out', 'out']);
    expect(stderr).toContain('is damaged (not JSON: ');
    expect(stderr).not.toContain('s3cr3t');
  });

  it('a missing secret is generated and the stored one kept (accepted on purpose: how a new secret arrives)', async () => {
    const dir = labDir('secret-missing', { 'secrets.json': JSON.stringify({ statsPassword: 'Kept123' }) });
    const result = await hafarm(['render', '--out', 'out'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    const stored = JSON.parse(readFileSync(join(dir, '.lab/secrets.json'), 'utf8')) as Record<string, string>;
    expect(stored.statsPassword).toBe('Kept123');
    expect(stored.heartbeatAuthkey).toMatch(/^[0-9a-f]{48}$/);
    expect(readFileSync(join(dir, 'out/haproxy1/etc/haproxy/haproxy.cfg'), 'utf8')).toContain(':Kept123');
  });
});

describe('a damaged netns.json', () => {
  it('is refused by the commands that use it; destroy goes on without it', async () => {
    const dir = labDir('netns', {
      'lab-state.json': RECORD,
      'netns.json': JSON.stringify({
        mgmt: { network: '10.213.7.0', prefix: 24 },
        base: { repo: '/x,upperdir=/etc', rootfs: '/y' },
      }),
    });
    for (const args of [['status'], ['start', 'web1']]) {
      const stderr = await expectRefused(dir, args);
      expect(stderr).toContain(
        `hafarm: ${dir}/.lab/netns.json is damaged (base.repo: "/x,upperdir=/etc" is not allowed (allowed: an absolute path without "," or ":"))`,
      );
      expect(stderr).toContain(
        "Run lab:destroy (it finds the lab's machines by their names without this file), then lab:up",
      );
    }
    writeFileSync(join(dir, '.lab/netns.json'), '{"mgmt": null');
    const destroyed = await hafarm(['destroy'], { cwd: dir });
    expect(destroyed.stderr).toBe('');
    expect(destroyed.exitCode).toBe(0);
    expect(existsSync(join(dir, '.lab'))).toBe(false);
  });
});

describe('--state and --out naming what cannot be a folder', () => {
  it.each([['up', '--provider', 'virtualbox'], ['status'], ['render', '--out', 'out'], ['provision'], ['destroy']])(
    '%s --state naming a file',
    async (...args) => {
      const dir = labDir('state-file');
      const stderr = await expectRefused(dir, [...args, '--state', 'lab.yaml']);
      expect(stderr).toBe(
        `hafarm: --state ${dir}/lab.yaml is a file, not a folder: a lab's state lives in a folder of its own. Pass --state with a folder (hafarm creates it if needed). Nothing was changed.`,
      );
    },
  );

  it('render --out naming a file: no secrets.json written before the refusal', async () => {
    const dir = join(scratch.dir, `${++count}-out-file`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'lab.yaml'), labText);
    expect(await expectRefused(dir, ['render', '--out', 'lab.yaml'], { exitCode: 2 })).toBe(
      `hafarm: --out ${dir}/lab.yaml is a file, not a folder (allowed: a folder, created if needed)`,
    );
    expect(await expectRefused(dir, ['render', '--out', 'lab.yaml/rendered'], { exitCode: 2 })).toBe(
      `hafarm: --out ${dir}/lab.yaml/rendered: ${dir}/lab.yaml is a file, not a folder (allowed: a folder, created if needed)`,
    );
    expect(existsSync(join(dir, '.lab'))).toBe(false);
  });

  it('capture --out naming a folder, or a path under a file, before any machine is asked', async () => {
    const dir = labDir('capture-out', { 'lab-state.json': RECORD });
    expect(await expectRefused(dir, ['capture', '--out', '.lab', 'web1', 'eth1'], { exitCode: 2 })).toBe(
      `hafarm: --out ${dir}/.lab: that is a folder (allowed: a file to write the pcap into)`,
    );
    expect(await expectRefused(dir, ['capture', '--out', 'lab.yaml/x.pcap', 'web1', 'eth1'], { exitCode: 2 })).toBe(
      `hafarm: --out ${dir}/lab.yaml/x.pcap: ${dir}/lab.yaml is a file, not a folder (allowed: a file to write the pcap into)`,
    );
  });
});

describe('a state folder the user cannot write', () => {
  // Root may write anywhere: the command runs as nobody, in a folder of root's that nobody can read.
  it.runIf(isRoot && existsSync('/usr/bin/setpriv'))('as a user without permission', async () => {
    const dir = labDir('not-writable', { 'secrets.json': SECRETS });
    chmodSync(join(dir, '.lab'), 0o700);
    for (const path of [scratch.dir, dir]) chmodSync(path, 0o755);
    const asNobody = {
      cwd: dir,
      env: { HOME: '/tmp' },
      wrapper: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
    };
    const before = treeOf(dir);
    const render = await hafarm(['render', '--out', '/tmp/never'], asNobody);
    expect(render.stderr).toBe(
      `hafarm: cannot list folder ${dir}/.lab: permission denied (EACCES); run hafarm as a user with that permission, or pass another --state (or --out) folder.`,
    );
    expect(render.exitCode).toBe(1);
    const fresh = await hafarm(['render', '--out', '/tmp/never', '--state', 'new-state'], asNobody);
    expect(fresh.stderr).toBe(
      `hafarm: cannot create folder ${dir}/new-state: permission denied (EACCES); run hafarm as a user with that permission, or pass another --state (or --out) folder.`,
    );
    expect(fresh.exitCode).toBe(1);
    expect(treeOf(dir)).toEqual(before);
    expect(existsSync('/tmp/never')).toBe(false);
  });

  // A read-only mount of the command's own (unshare): the host's mounts are not touched.
  it.runIf(isRoot)('on a read-only file system', async () => {
    const dir = labDir('read-only');
    const readOnly = [
      'unshare',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
      dir,
    ];
    const result = await hafarm(['render', '--out', 'out'], { cwd: dir, wrapper: readOnly });
    expect(result.stderr).toBe(
      `hafarm: cannot write ${dir}/.lab/secrets.json: the file system is read-only (EROFS); pass a --state (or --out) folder on a writable file system.`,
    );
    expect(result.exitCode).toBe(1);
    expect(treeOf(dir)).toEqual({ '.lab': 'folder', 'lab.yaml': `file ${labText}` });
  });
});
