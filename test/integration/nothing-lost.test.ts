// Issue 27, classes 1–5 and 7, through the real CLI: several inputs of each class, every one
// refused in one line naming the path and what to do (no stack, nothing changed), or done.
//   1 writing where hafarm should not   2 file system errors   3 the kernel's file systems
//   4 a tool run against what is not the lab's   5 a record without its provider's files
//   7 arguments and output
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
    const vagrantfile = join(dir, 'out/Vagrantfile');
    if (existsSync(vagrantfile)) expect(readFileSync(vagrantfile, 'utf8')).toMatch(/\nend\n$/);
  });

  it('a TMPDIR that does not exist, a current folder that was removed: one line each', async () => {
    const dir = labDir('places');
    const tmp = await hafarm(['validate'], { cwd: dir, env: { TMPDIR: join(dir, 'no-such-folder') } });
    expect(tmp.stderr).toBe(
      `hafarm: TMPDIR=${dir}/no-such-folder is not an existing folder, and hafarm makes temporary folders there; set TMPDIR to an existing folder, or unset it. Nothing was changed.`,
    );
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
      const dir = labDir('full', undefined, disk);
      const first = await hafarm(['render', '--out', 'out'], { cwd: dir });
      expect(first.exitCode, first.stderr).toBe(0);
      const before = treeOf(join(dir, 'out'));
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
    });

    it('a read-only file system for --state and for --out: one line each, nothing made', async () => {
      const disk = tmpfs('read-only', 'size=64k,ro');
      const dir = labDir('ro');
      const state = await hafarm(['render', '--out', 'out', '--state', join(disk, 'state')], { cwd: dir });
      expect(state.stderr).toBe(
        `hafarm: cannot create folder ${disk}/state: the file system is read-only (EROFS); pass a --state (or --out) folder on a writable file system.`,
      );
      const out = await hafarm(['graph', '--out', join(disk, 'pictures')], { cwd: dir });
      oneLine(out.stderr);
      expect(out.stderr).toContain('(EROFS)');
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
const ACTING = COMMANDS.filter(
  (c) => !c.hidden && !['up', 'lab', 'validate', 'render', 'graph', 'destroy'].includes(c.name),
);

describe('classes 4 and 5: a record without its provider files', () => {
  it.each(ACTING.map((c) => c.name))(
    '%s: a netns record without netns.json is one message with the way back, nothing run',
    async (name) => {
      const dir = labDir('no-netns-json', { 'lab-state.json': record('netns') });
      const stderr = await expectRefused(dir, [name, ...(SAMPLE_ARGS[name] ?? [])]);
      expect(stderr).toBe(
        `hafarm: ${dir}/.lab holds the record of lab "${LAB_NAME}" (provider netns) but not netns.json, which the netns provider keeps its machines by (lab:up was stopped before it made them, or they were removed). Run lab:up to make the lab again, or lab:destroy --provider netns to remove what is left. Nothing was run.`,
      );
    },
  );

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
  const DAMAGE: Record<string, Record<string, string>> = {
    'a truncated record': { 'lab-state.json': record('netns').slice(0, 30) },
    'a damaged netns.json': { 'lab-state.json': record('netns'), 'netns.json': '{"mgmt": [' },
    'netns.json of the wrong shape': { 'lab-state.json': record('netns'), 'netns.json': '{"mgmt": 1, "base": "x"}' },
    'damaged secrets': { 'lab-state.json': record('netns'), 'secrets.json': '[1, 2' },
    'a damaged written-files.json (only a loss of memory)': { 'written-files.json': '{' },
  };
  const LISTED = COMMANDS.filter((c) => !c.hidden && c.name !== 'lab' && c.name !== 'up');
  it.each(Object.keys(DAMAGE))('%s', async (damage) => {
    for (const command of LISTED) {
      const dir = labDir('damaged', DAMAGE[damage]);
      const result = await hafarm([command.name, ...(SAMPLE_ARGS[command.name] ?? [])], { cwd: dir });
      const said = `${command.name}: ${result.stderr}`;
      expect(result.stderr, said).not.toMatch(/unexpected error|^\s+at /m);
      if (result.exitCode !== 0) expect(result.stderr.trim(), said).toMatch(/^hafarm: /);
    }
  });
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
