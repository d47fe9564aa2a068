// Issue 27, classes 1–5 and 7, through the real CLI: several inputs of each class, every one
// refused in one line naming the path and what to do (no stack, nothing changed), or done.
//   1 writing where hafarm should not   2 file system errors   3 the kernel's file systems
//   4 a tool run against what is not the lab's   5 a record without its provider's files
//   7 arguments and output
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../lib/cli/command-list.ts';
import { PROJECT_DIR, TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';
import { expectRefused } from '../helpers/refused.ts';
import { treeOf } from '../helpers/tree.ts';

const scratch = scratchDir('lost');
const mounted: string[] = [];
afterAll(() => {
  for (const dir of mounted) execFileSync('umount', [dir]);
  scratch.remove();
});

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const LAB_NAME = `lost${process.pid % 10000}`;
const labText = readFileSync(TUTORIAL_LAB, 'utf8').replace(/^name: \w+$/m, `name: ${LAB_NAME}`);
const record = (provider: string) =>
  JSON.stringify({ lab: LAB_NAME, definition: '/x/lab.yaml', provider, created: '2026-01-01T00:00:00.000Z' });

let count = 0;
/** A folder with the lab definition, and a state folder holding these files when given. */
function labDir(name: string, state?: Record<string, string>, parent = scratch.dir): string {
  const dir = join(parent, `${++count}-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lab.yaml'), labText);
  if (state) {
    mkdirSync(join(dir, '.lab'));
    for (const [file, content] of Object.entries(state)) writeFileSync(join(dir, '.lab', file), content);
  }
  return dir;
}

/**
 * Everything under a folder byte for byte (a file's text where its bytes are UTF-8, else its bytes
 * in base64: two snapshots are equal only when every byte is), links read and never followed; {}
 * when the folder is absent. treeOf reads files as UTF-8, which maps bad bytes alike.
 */
function bytesOf(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  if (!existsSync(dir)) return tree;
  const walk = (relative: string) => {
    for (const name of readdirSync(join(dir, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const stats = lstatSync(join(dir, path));
      if (stats.isSymbolicLink()) tree[path] = `link ${readlinkSync(join(dir, path))}`;
      else if (stats.isDirectory()) {
        tree[path] = 'folder';
        walk(path);
      } else if (stats.isFile()) {
        const bytes = readFileSync(join(dir, path));
        const text = bytes.toString('utf8');
        tree[path] = Buffer.from(text, 'utf8').equals(bytes) ? `file ${text}` : `bytes ${bytes.toString('base64')}`;
      } else tree[path] = 'special file';
    }
  };
  walk('');
  return tree;
}

/** One line, no stack, no "unexpected error". */
function oneLine(stderr: string): void {
  expect(stderr).not.toMatch(/unexpected error|^\s+at /m);
  expect(stderr.trim().split('\n').length, stderr).toBe(1);
}

describe('class 1: writing where hafarm should not', () => {
  it('render --out with links planted where its files go: refused, every link named, their targets untouched', async () => {
    const dir = labDir('planted');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    mkdirSync(join(dir, 'elsewhere'));
    mkdirSync(join(dir, 'out/web1/etc'), { recursive: true });
    symlinkSync('../../../victim.txt', join(dir, 'out/web1/etc/hosts'));
    symlinkSync('../elsewhere', join(dir, 'out/web2'));
    symlinkSync('../victim.txt', join(dir, 'out/Vagrantfile'));
    const stderr = await expectRefused(dir, ['render', '--out', 'out']);
    expect(stderr).toContain(`hafarm: --out ${dir}/out: nothing was written, because:\n`);
    for (const link of ['out/Vagrantfile', 'out/web1/etc/hosts', 'out/web2'])
      expect(stderr).toContain(
        `  - ${dir}/${link} is a symbolic link, which hafarm does not write through (remove it)`,
      );
    // --force replaces files of the user's, never writes through a link
    await expectRefused(dir, ['render', '--out', 'out', '--force']);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(existsSync(join(dir, '.lab'))).toBe(false);
  });

  it("graph --out over a link, or over a file of the user's: refused; its own files replaced; --force replaces", async () => {
    const dir = labDir('graph');
    writeFileSync(join(dir, 'victim.txt'), 'precious\n');
    mkdirSync(join(dir, 'pictures'));
    symlinkSync('../victim.txt', join(dir, 'pictures/lab-graph.dot'));
    const linked = await expectRefused(dir, ['graph', '--out', 'pictures']);
    expect(linked).toBe(
      `hafarm: --out ${dir}/pictures: nothing was written, because ${dir}/pictures/lab-graph.dot is a symbolic link, which hafarm does not write through (remove it).`,
    );
    rmSync(join(dir, 'pictures/lab-graph.dot'));
    expect((await hafarm(['graph', '--out', 'pictures'], { cwd: dir })).exitCode).toBe(0);
    // again: hafarm's own files, replaced without a word
    expect((await hafarm(['graph', '--out', 'pictures'], { cwd: dir })).exitCode).toBe(0);
    writeFileSync(join(dir, 'pictures/lab-graph.svg'), '<svg>the user drew on it</svg>');
    const edited = await expectRefused(dir, ['graph', '--out', 'pictures']);
    expect(edited).toContain(
      `${dir}/pictures/lab-graph.svg is there and hafarm did not write it (or it was changed since). Pass --force`,
    );
    expect((await hafarm(['graph', '--out', 'pictures', '--force'], { cwd: dir })).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'pictures/lab-graph.svg'), 'utf8')).toMatch(/^<svg|^<\?xml/);
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('precious\n');
  });

  it("render --out into a folder holding the user's own Vagrantfile: refused, then replaced with --force", async () => {
    const dir = labDir('own-vagrantfile');
    mkdirSync(join(dir, 'project'));
    writeFileSync(join(dir, 'project/Vagrantfile'), "# the student's own\n");
    const stderr = await expectRefused(dir, ['render', '--out', 'project']);
    expect(stderr).toBe(
      `hafarm: --out ${dir}/project: nothing was written, because ${dir}/project/Vagrantfile is there and hafarm did not write it (or it was changed since). Pass --force to replace them, or another --out.`,
    );
    const forced = await hafarm(['render', '--out', 'project', '--force'], { cwd: dir });
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, 'project/Vagrantfile'), 'utf8')).toContain('Vagrant.configure');
    // rendered again: its own files are replaced without --force
    const again = await hafarm(['render', '--out', 'project'], { cwd: dir });
    expect(again.exitCode, again.stderr).toBe(0);
  });

  it('render --out with a file or a pipe where a folder or file goes', async () => {
    const dir = labDir('in-the-way');
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out/web1'), 'a file');
    execFileSync('mkfifo', [join(dir, 'out/Vagrantfile')]);
    const stderr = await expectRefused(dir, ['render', '--out', 'out', '--force']);
    expect(stderr).toContain(`  - ${dir}/out/Vagrantfile is a named pipe, not a file hafarm wrote`);
    expect(stderr).toContain(`  - ${dir}/out/web1 is a file where a folder is needed`);
  });
});

describe('class 2: file system errors as one line, never a half-written file', () => {
  it('a size limit (ulimit -f): one line, no file cut short', async () => {
    const dir = labDir('ulimit');
    const limited = { cwd: dir, wrapper: ['bash', '-c', 'ulimit -f 4; exec "$@"', 'limited'] };
    const result = await hafarm(['render', '--out', 'out'], limited);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(
      /^hafarm: cannot write .+: the file would pass the size limit .+ \(EFBIG\); raise the limit/,
    );
    expect(result.exitCode).toBe(1);
    const cut = Object.entries(treeOf(dir)).filter(([path]) => path.includes('hafarm-partial'));
    expect(cut).toEqual([]);
    // The same render without the limit (same definition, same secrets) gives every file whole:
    // each file the limited run left is that file byte for byte, the Vagrantfile (6 kB, over the
    // 4 kB limit) included, or it is absent.
    const whole = await hafarm(['render', '--out', 'whole'], { cwd: dir });
    expect(whole.exitCode, whole.stderr).toBe(0);
    const reference = bytesOf(join(dir, 'whole'));
    expect(reference['Vagrantfile']).toMatch(/\nend\n$/);
    const limitedOut = bytesOf(join(dir, 'out'));
    expect([undefined, reference['Vagrantfile']]).toContain(limitedOut['Vagrantfile']);
    for (const [path, content] of Object.entries(limitedOut)) expect(content, path).toBe(reference[path]);
  });

  it('a file where a folder belongs, a folder where a file belongs, a link loop: one line each naming the path', async () => {
    const dir = labDir('in-the-way');
    writeFileSync(join(dir, 'afile'), 'mine\n');
    mkdirSync(join(dir, 'adir'));
    symlinkSync('loop2', join(dir, 'loop1'));
    symlinkSync('loop1', join(dir, 'loop2'));
    const cases: Array<[string[], number, RegExp]> = [
      // ENOTDIR: a file in the way of a folder
      [['render', '--out', 'afile/sub'], 2, /^hafarm: --out .*\/afile\/sub: .*\/afile is a file, not a folder/],
      [['graph', '--out', 'afile/sub'], 2, /^hafarm: --out .*\/afile\/sub: .*\/afile is a file, not a folder/],
      [
        ['status', '--state', 'afile/x'],
        1,
        /^hafarm: --state .*\/afile\/x: .*\/afile is a file, so no folder can be there/,
      ],
      // EISDIR: a folder given as the definition
      [
        ['validate', '--lab', 'adir'],
        1,
        /^ {2}adir:1:1: \(file\): is a directory, not a file \(allowed: a regular file/m,
      ],
      // ELOOP: a link loop as the definition, and as the folder to write
      [['validate', '--lab', 'loop1'], 1, /^ {2}loop1:1:1: \(file\): cannot be read: ELOOP: .*pass --lab FILE\)$/m],
      [
        ['render', '--out', 'loop1'],
        1,
        /^hafarm: cannot look at .*\/loop1: a symbolic link is in the way \(or a link loop\) \(ELOOP\); remove the link/,
      ],
    ];
    for (const [args, exitCode, said] of cases)
      expect(await expectRefused(dir, args, { exitCode }), args.join(' ')).toMatch(said);
  });

  it('a TMPDIR that does not exist, a current folder that was removed: one line each', async () => {
    const dir = labDir('places');
    const tmp = await hafarm(['validate'], { cwd: dir, env: { TMPDIR: join(dir, 'no-such-folder') } });
    expect(tmp.stderr).toBe(
      `hafarm: TMPDIR=${dir}/no-such-folder is not an existing folder, and hafarm makes temporary folders there; set TMPDIR to an existing folder, or unset it. Nothing was changed.`,
    );
    expect(tmp.exitCode).toBe(1);
    const gone = join(dir, 'gone');
    mkdirSync(gone);
    const removed = await hafarm(['render', '--out', 'x'], {
      cwd: dir,
      wrapper: ['sh', '-c', 'cd "$0" && rmdir "$0" && exec "$@"', gone],
    });
    expect(removed.stderr).toMatch(/^hafarm: the current folder no longer exists .+ Nothing was changed\.$/);
    expect(removed.exitCode).toBe(1);
  });

  describe.runIf(isRoot)('on small file systems of the test (tmpfs, unmounted afterwards)', () => {
    function tmpfs(name: string, options: string): string {
      const dir = join(scratch.dir, name);
      mkdirSync(dir);
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'hafarm-test', dir]);
      mounted.push(dir);
      return dir;
    }

    it('a full disk: the old files stay whole, no partial file is left, the state folder keeps its record', async () => {
      const disk = tmpfs('full', 'size=256k');
      const dir = labDir('full', { 'lab-state.json': record('netns') }, disk);
      const first = await hafarm(['render', '--out', 'out'], { cwd: dir });
      expect(first.exitCode, first.stderr).toBe(0);
      const before = treeOf(join(dir, 'out'));
      // the record, and the secrets and written-files.json the first render added beside it
      const state = bytesOf(join(dir, '.lab'));
      expect(Object.keys(state)).toEqual(['lab-state.json', 'secrets.json', 'written-files.json']);
      expect(state['lab-state.json']).toBe(`file ${record('netns')}`);
      // fill the disk, then render a changed lab
      execFileSync('sh', ['-c', `dd if=/dev/zero of="${disk}/filler" bs=4k 2>/dev/null || true`]);
      writeFileSync(join(dir, 'lab.yaml'), labText.replace('name: trabajoswap.com', 'name: trabajoswap2.com'));
      const full = await hafarm(['render', '--out', 'out', '--force'], { cwd: dir });
      oneLine(full.stderr);
      expect(full.stderr).toMatch(
        /^hafarm: cannot (write|create folder) .+: no space left on the device \(ENOSPC\); free some space/,
      );
      expect(full.exitCode).toBe(1);
      const after = treeOf(join(dir, 'out'));
      for (const [path, content] of Object.entries(before)) expect(after[path], path).toBe(content);
      expect(Object.keys(after).filter((p) => p.includes('hafarm-partial'))).toEqual([]);
      expect(bytesOf(join(dir, '.lab'))).toEqual(state);
    });

    it('a read-only file system for --state and for --out: one line each, nothing made', async () => {
      const disk = tmpfs('read-only', 'size=64k,ro');
      const dir = labDir('ro');
      const state = await hafarm(['render', '--out', 'out', '--state', join(disk, 'state')], { cwd: dir });
      expect(state.stderr).toBe(
        `hafarm: cannot create folder ${disk}/state: the file system is read-only (EROFS); pass a --state (or --out) folder on a writable file system.`,
      );
      expect(state.exitCode).toBe(1);
      const out = await hafarm(['graph', '--out', join(disk, 'pictures')], { cwd: dir });
      oneLine(out.stderr);
      expect(out.stderr).toContain('(EROFS)');
      expect(out.exitCode).toBe(1);
      expect(readdirSync(disk)).toEqual([]);
    });
  });
});

describe("class 3: the kernel's file systems, refused at once", () => {
  const targets: string[][] = [
    ['render', '--out', '/proc/self/hafarm'],
    ['render', '--out', '/proc/hafarm/a/b/c'],
    ['render', '--out', '/sys/kernel/hafarm'],
    ['render', '--out', '/dev/hafarm'],
    ['render', '--out', 'x', '--state', '/proc/hafarm'],
    ['status', '--state', '/sys/fs/hafarm'],
    ['up', '--state', '/proc/1/hafarm'],
    ['graph', '--out', '/proc/1'],
    ['ssh-config', '--out', '/proc/self/config'],
    ['capture', 'web1', 'eth1', '--out', '/dev/shm/x.pcap'],
  ];
  it.each(targets)('%s %s %s %s %s', async (...args) => {
    const dir = labDir('kernel');
    const started = Date.now();
    const stderr = await expectRefused(dir, args, { exitCode: 1 });
    oneLine(stderr);
    expect(stderr).toMatch(/is on (\/proc|\/sys|\/dev), the kernel's: it holds no files of anyone's/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

/** Every listed command with arguments it accepts, for the walks below. */
const SAMPLE_ARGS: Record<string, string[]> = {
  exec: ['web1', 'true'],
  ssh: ['web1'],
  halt: ['web1'],
  start: ['web1'],
  capture: ['web1', 'eth1', '--duration', '1'],
  link: ['haproxy2', 'heartbeat', 'down'],
  render: ['--out', 'rendered'],
  graph: ['--out', 'pictures'],
  open: ['--port', '0'],
};
/**
 * Commands that read no lab state folder: lab:import reads the machines its command line names,
 * lab:class a class list, each farm's state in a folder of its own under --out.
 */
const WITHOUT_STATE = ['import', 'class'];
const ACTING = COMMANDS.filter(
  (c) => !c.hidden && ![...WITHOUT_STATE, 'up', 'lab', 'validate', 'render', 'graph', 'destroy'].includes(c.name),
);

describe('classes 4 and 5: a record without its provider files', () => {
  /** provider, the entry it keeps its machines by (its upEntries), and what stands there instead */
  const WITHOUT: Array<{ case: string; provider: string; entry: string; folder?: true }> = [
    { case: 'a netns record without netns.json', provider: 'netns', entry: 'netns.json' },
    // docker-provider.ts: its stateEntries and upEntries are docker.json
    { case: 'a docker record without docker.json', provider: 'docker', entry: 'docker.json' },
    // a folder where the file goes is not the file the provider reads (missingUpEntries checks the kind)
    { case: 'a netns record with a folder named netns.json', provider: 'netns', entry: 'netns.json', folder: true },
  ];
  const cases = WITHOUT.flatMap((w) => ACTING.map((c) => [w.case, c.name] as const));
  it.each(cases)('%s, %s: one message with the way back, nothing run, nothing changed', async (which, name) => {
    const w = WITHOUT.find((c) => c.case === which)!;
    const dir = labDir('without-provider-file', { 'lab-state.json': record(w.provider) });
    if (w.folder) {
      mkdirSync(join(dir, '.lab', w.entry));
      writeFileSync(join(dir, '.lab', w.entry, 'inside'), 'kept');
    }
    const before = bytesOf(dir);
    // expectRefused: exit 1, no stack, the folder's tree unchanged (utf8); bytesOf: byte for byte
    const stderr = await expectRefused(dir, [name, ...(SAMPLE_ARGS[name] ?? [])]);
    oneLine(stderr);
    expect(stderr).toBe(
      `hafarm: ${dir}/.lab holds the record of lab "${LAB_NAME}" (provider ${w.provider}) but not ${w.entry}, which the ${w.provider} provider keeps its machines by (lab:up was stopped before it made them, or they were removed). Run lab:up to make the lab again, or lab:destroy --provider ${w.provider} to remove what is left. Nothing was run.`,
    );
    expect(bytesOf(dir)).toEqual(before);
  });

  it("inside another Vagrant project, a virtualbox record without its Vagrantfile never runs that project's", async () => {
    const other = join(scratch.dir, `${++count}-other-vagrant-project`);
    mkdirSync(other);
    // Its Ruby leaves a mark when vagrant evaluates it.
    writeFileSync(
      join(other, 'Vagrantfile'),
      `File.write(File.join(__dir__, "ran"), "ran")\nVagrant.configure("2") {}`,
    );
    for (const provider of ['virtualbox', 'libvirt']) {
      const dir = labDir('vagrant-missing', { 'lab-state.json': record(provider) }, other);
      for (const name of ['status', 'halt', 'start', 'ssh-config', 'inventory', 'provision', 'exec', 'link']) {
        const stderr = await expectRefused(dir, [name, ...(SAMPLE_ARGS[name] ?? [])]);
        expect(stderr).toContain(`but not Vagrantfile, which the ${provider} provider keeps its machines by`);
      }
    }
    expect(readdirSync(other).filter((f) => f === 'ran' || f === '.vagrant')).toEqual([]);
  });
});

describe('no stack trace reaches a user, by construction: every command with damaged state', () => {
  interface Damage {
    state: Record<string, string>;
    /** the record: damaged, sound (netns), or none at all */
    record: 'damaged' | 'sound' | 'none';
    secretsDamaged?: true;
    /** what a command that acts on the machines says is wrong */
    named: string;
  }
  const DAMAGE: Record<string, Damage> = {
    'a truncated record': {
      state: { 'lab-state.json': record('netns').slice(0, 30) },
      record: 'damaged',
      named: '/.lab/lab-state.json is damaged (not JSON',
    },
    'a damaged netns.json': {
      state: { 'lab-state.json': record('netns'), 'netns.json': '{"mgmt": [' },
      record: 'sound',
      named: '/.lab/netns.json is damaged (not JSON',
    },
    'netns.json of the wrong shape': {
      state: { 'lab-state.json': record('netns'), 'netns.json': '{"mgmt": 1, "base": "x"}' },
      record: 'sound',
      named: '/.lab/netns.json is damaged (mgmt: 1 where an object',
    },
    'damaged secrets (and no netns.json)': {
      state: { 'lab-state.json': record('netns'), 'secrets.json': '[1, 2' },
      record: 'sound',
      secretsDamaged: true,
      named: '(provider netns) but not netns.json',
    },
    'a damaged written-files.json (only a loss of memory), no record': {
      state: { 'written-files.json': '{' },
      record: 'none',
      named: `lab "${LAB_NAME}" is not up (no state in `,
    },
  };

  /**
   * What each command must do with each damage. Every refusal: exit 1, one line "hafarm: …"
   * naming what is wrong (none of these commands prints a listing here: only render's --out
   * refusals do, class 1), and every byte under the lab's folder as it was. On purpose, three
   * commands change things: destroy forgets the state (it removes the folder, its job), render
   * and graph write their --out folder and, in the state folder, written-files.json (their memory
   * of what they wrote, replaced when damaged) and render the secrets it needs when absent.
   */
  function expected(
    command: string,
    d: Damage,
  ): { exit: 0 | 1; named?: string; does: 'nothing' | 'writes' | 'forgets' } {
    const damagedRecord = '/.lab/lab-state.json is damaged (not JSON';
    switch (command) {
      case 'validate':
        return { exit: 0, does: 'nothing' };
      case 'destroy':
        return d.record === 'damaged'
          ? { exit: 1, named: damagedRecord, does: 'nothing' }
          : { exit: 0, does: 'forgets' };
      case 'render':
        if (d.record === 'damaged') return { exit: 1, named: damagedRecord, does: 'nothing' };
        if (d.secretsDamaged) return { exit: 1, named: '/.lab/secrets.json is damaged (not JSON', does: 'nothing' };
        return { exit: 0, does: 'writes' };
      case 'graph':
        return d.record === 'damaged'
          ? { exit: 1, named: damagedRecord, does: 'nothing' }
          : { exit: 0, does: 'writes' };
      case 'status':
        if (d.record === 'none') return { exit: 0, does: 'nothing' };
        return { exit: 1, named: d.named, does: 'nothing' };
      default:
        return { exit: 1, named: d.named, does: 'nothing' };
    }
  }

  // up and lab only with the truncated record, which they refuse before anything (the record is
  // read first). With the other damages the record is sound or absent and they would go on to
  // make the lab: install host packages, claim the name in /run/hafarm, create namespaces. PATH is
  // emptied for them all the same, so that a change making them go further finds no tool to run.
  const UP_SAFE = new Set(['a truncated record']);
  const LISTED = COMMANDS.filter((c) => !c.hidden && !WITHOUT_STATE.includes(c.name)).map((c) => c.name);
  const pairs = Object.keys(DAMAGE).flatMap((damage) =>
    LISTED.filter((name) => !['up', 'lab'].includes(name) || UP_SAFE.has(damage)).map(
      (name) => [damage, name] as const,
    ),
  );

  async function walk(damage: string, name: string): Promise<void> {
    const d = DAMAGE[damage]!;
    const want = expected(name, d);
    const dir = labDir('damaged', d.state);
    const before = bytesOf(dir);
    const result = await hafarm([name, ...(SAMPLE_ARGS[name] ?? [])], {
      cwd: dir,
      ...(name === 'up' || name === 'lab' ? { env: { PATH: '/nonexistent' } } : {}),
    });
    const said = `${name}: exit ${result.exitCode}\n${result.stderr}`;
    expect(result.stderr, said).not.toMatch(/unexpected error|^\s+at /m);
    expect(result.exitCode, said).toBe(want.exit);
    if (want.exit === 0) expect(result.stderr, said).toBe('');
    else {
      expect(result.stderr, said).toMatch(/^hafarm: [^\n]+$/);
      expect(result.stderr, said).toContain(want.named);
    }
    const after = bytesOf(dir);
    if (want.does === 'nothing') expect(after, said).toEqual(before);
    else if (want.does === 'forgets') {
      // destroy: the folder and everything hafarm made in it gone, nothing else touched
      expect(existsSync(join(dir, '.lab')), said).toBe(false);
      const outside = Object.fromEntries(
        Object.entries(before).filter(([path]) => path !== '.lab' && !path.startsWith('.lab/')),
      );
      expect(after, said).toEqual(outside);
      expect(result.stdout.split('\n')[0], said).toBe(
        `lab "${LAB_NAME}": ${d.record === 'sound' ? 'destroyed (netns)' : 'nothing to destroy'}; ${dir}/.lab removed`,
      );
    } else {
      // render, graph: their --out folder new; in .lab every file that was there as it was, but
      // written-files.json, rewritten whole; secrets.json added by render where it was absent
      const out = SAMPLE_ARGS[name]![1]!;
      const mayChange = [
        '.lab/written-files.json',
        ...(name === 'render' && !before['.lab/secrets.json'] ? ['.lab/secrets.json'] : []),
      ];
      const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
        (path) => before[path] !== after[path] && path !== out && !path.startsWith(`${out}/`),
      );
      expect(
        changed.filter((path) => !mayChange.includes(path)),
        said,
      ).toEqual([]);
      expect(
        Object.keys(before).filter((path) => path === out || path.startsWith(`${out}/`)),
        said,
      ).toEqual([]);
      expect(after[out], said).toBe('folder');
      for (const path of mayChange)
        expect(() => JSON.parse(readFileSync(join(dir, path), 'utf8')) as unknown, `${said}\n${path}`).not.toThrow();
    }
  }

  it.each(pairs)('%s, %s', walk);
});

describe('class 7: output that cannot be written is not success', () => {
  it.each([['validate'], ['render', '--help'], ['status'], ['--help'], ['exec', '--help']])(
    '%s %s into a full device: exit 1 and what was lost said on stderr',
    async (...args) => {
      const dir = labDir('dev-full');
      const result = await hafarm(args, { cwd: dir, wrapper: ['sh', '-c', 'exec "$@" >/dev/full', 'full'] });
      expect(result.stderr).toBe(
        'hafarm: the output was not (all) written to standard output: no space left on the device (ENOSPC); send it where it can be written',
      );
      expect(result.exitCode).toBe(1);
    },
  );

  it('a pipe closed before the output came: exit 1, said on stderr', async () => {
    const dir = labDir('closed-pipe');
    const child = spawn(process.execPath, [join(PROJECT_DIR, 'bin/hafarm.js'), 'render', '--help'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toBe(
      'hafarm: the output was cut off: what reads it (a pipe) closed before all of it was written (EPIPE)\n',
    );
    expect(code).toBe(1);
  });
});
