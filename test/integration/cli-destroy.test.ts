// lab:destroy as a user runs it, on folders hafarm made and on folders it did not (issue 18):
// it removes hafarm's own entries and nothing else, and refuses anything that is not a lab's
// state folder with one message, exit status 1 and every file still in place.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';
import { expectRefused } from '../helpers/refused.ts';
import { treeOf } from '../helpers/tree.ts';

const scratch = scratchDir('destroy');
afterAll(() => scratch.remove());

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
// The namespace provider's destroy looks for leftovers by the lab's name: a name of this run's own.
const LAB_NAME = `dst${process.pid % 10000}`;
const labFile = join(scratch.dir, 'lab.yaml');
writeFileSync(labFile, readFileSync(TUTORIAL_LAB, 'utf8').replace(/^name: \w+$/m, `name: ${LAB_NAME}`));

let count = 0;
function freshDir(name: string): string {
  const dir = join(scratch.dir, `${++count}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function destroy(cwd: string, ...args: string[]) {
  return hafarm(['destroy', '--lab', labFile, ...args], { cwd });
}

function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** A state folder as lab:up, provision, verify and capture on the namespace provider leave it. */
function hafarmState(dir: string, options: { record?: boolean } = {}): string {
  write(dir, {
    'secrets.json': '{}\n',
    known_hosts: 'web1 ssh-ed25519 AAAA\n',
    'netns.json': '{}\n',
    'ssh/id_ed25519': 'key',
    'machines/web1/upper/etc/hostname': 'web1\n',
    'machines/web1/console.log': 'booted\n',
    'report/index.html': '<html>',
    'captures/web1-eth1.pcap': 'pcap',
  });
  if (options.record !== false)
    writeFileSync(
      join(dir, 'lab-state.json'),
      JSON.stringify({ lab: LAB_NAME, definition: labFile, provider: 'netns', created: new Date().toISOString() }),
    );
  return dir;
}

/** A copy of a project as a user keeps one: a git repository with sources, a lab.yaml, and even entries named as hafarm's. */
function projectLike(dir: string): string {
  execFileSync('git', ['init', '-q', dir]);
  write(dir, {
    'lab.yaml': readFileSync(labFile, 'utf8'),
    'README.md': '# my project\n',
    'src/main.ts': 'console.log(1);\n',
    Vagrantfile: "# the user's own Vagrantfile\n",
    'report/notes.md': 'my report\n',
  });
  return dir;
}

describe('lab:destroy refuses what is not a lab state folder, touching nothing', () => {
  const destroyArgs = (...args: string[]) => ['destroy', '--lab', labFile, ...args];

  it('--state . in a project: the project, its .git and its own Vagrantfile and report/ stay', async () => {
    const project = projectLike(freshDir('project'));
    expect(Object.keys(treeOf(project))).toEqual(
      expect.arrayContaining(['.git/HEAD', 'Vagrantfile', 'report/notes.md', 'src/main.ts']),
    );
    // Vagrantfile and report/ bear hafarm's names: without a record, the rest of the folder gives it away.
    expect(await expectRefused(project, destroyArgs('--state', '.'))).toBe(
      `hafarm: ${project} is not a lab's state folder: it holds no lab record (lab-state.json) and holds files hafarm did not make (.git, README.md, lab.yaml, src). ` +
        'lab:destroy removes only what hafarm made, so it removed nothing. Check --state (default .lab).',
    );
  });

  it.each([
    [
      'naming a plain file',
      'notes.txt',
      (dir: string) =>
        `--state ${dir}/notes.txt is a file, not a folder: a lab's state lives in a folder of its own. Pass --state with a folder (hafarm creates it if needed). Nothing was changed.`,
    ],
    [
      'under a file',
      'notes.txt/state',
      (dir: string) =>
        `--state ${dir}/notes.txt/state: ${dir}/notes.txt is a file, so no folder can be there. Pass --state with a folder. Nothing was changed.`,
    ],
  ])('--state %s', async (_name, state, message) => {
    const dir = freshDir('file');
    write(dir, { 'notes.txt': 'mine\n' });
    expect(await expectRefused(dir, destroyArgs('--state', state))).toBe(`hafarm: ${message(dir)}`);
  });

  it('--state naming an unrelated folder', async () => {
    const dir = freshDir('unrelated');
    write(dir, { 'photos/2024/a.jpg': 'jpeg', 'photos/b.jpg': 'jpeg' });
    expect(await expectRefused(dir, destroyArgs('--state', 'photos'))).toContain(
      `${dir}/photos is not a lab's state folder: it holds no lab record (lab-state.json) and holds files hafarm did not make (2024, b.jpg)`,
    );
  });

  it('--state naming a symbolic link, to a project or even to a lab state folder', async () => {
    const dir = freshDir('symlink');
    projectLike(join(dir, 'project'));
    hafarmState(join(dir, 'state'));
    symlinkSync('project', join(dir, 'to-project'));
    symlinkSync(join(dir, 'state'), join(dir, 'to-state'));
    for (const [link, target] of [
      ['to-project', 'project'],
      ['to-state', 'state'],
    ] as const) {
      const stderr = await expectRefused(dir, destroyArgs('--state', link));
      expect(stderr).toContain(
        `--state ${dir}/${link} is a symbolic link (to ${dir}/${target}); hafarm does not follow it`,
      );
      expect(stderr).toContain(`Pass --state ${dir}/${target} instead. Nothing was changed.`);
    }
  });

  // As nobody, so that a mistake here could not cost the machine its files.
  it.runIf(isRoot && existsSync('/usr/bin/setpriv'))('--state / (run as nobody)', async () => {
    const dir = freshDir('root');
    chmodSync(scratch.dir, 0o755);
    chmodSync(dir, 0o755);
    const before = readdirSync('/').sort();
    const result = await hafarm(destroyArgs('--state', '/'), {
      cwd: dir,
      env: { HOME: '/tmp' },
      wrapper: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^hafarm: \/ is not a lab's state folder: it holds no lab record \(lab-state\.json\) and holds files hafarm did not make \([^)]* and \d+ more\)\. lab:destroy removes only what hafarm made, so it removed nothing\./,
    );
    expect(readdirSync('/').sort()).toEqual(before);
  });

  it("a folder with hafarm's files but no record and a file of the user's", async () => {
    const dir = freshDir('lost-record-user-file');
    hafarmState(join(dir, '.lab'), { record: false });
    write(dir, { '.lab/todo.txt': 'mine\n' });
    expect(await expectRefused(dir, destroyArgs())).toContain(
      `${dir}/.lab is not a lab's state folder: it holds no lab record (lab-state.json) and holds files hafarm did not make (todo.txt)`,
    );
  });

  it('a folder that lost its record but holds machines: refused until --provider says which provider made them', async () => {
    const dir = freshDir('lost-record-machines');
    hafarmState(join(dir, '.lab'), { record: false });
    const stderr = await expectRefused(dir, destroyArgs());
    expect(stderr).toContain(
      `${dir}/.lab has lost its record (lab-state.json), which names the lab and the provider that made its machines, but it still holds what machines leave (machines, netns.json).`,
    );
    expect(stderr).toContain(
      `run lab:destroy --provider NAME (virtualbox, libvirt, netns, docker or existing: the one the lab was brought up with) to destroy the machines of lab "${LAB_NAME}" and this folder. Nothing was removed.`,
    );
    const destroyed = await destroy(dir, '--provider', 'netns');
    expect(destroyed.stdout).toContain(`lab "${LAB_NAME}": destroyed (netns); ${dir}/.lab removed`);
    expect(destroyed.exitCode).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a damaged record: refused, then destroyed with --provider', async () => {
    const dir = freshDir('damaged-record');
    hafarmState(join(dir, '.lab'));
    writeFileSync(join(dir, '.lab', 'lab-state.json'), '{"lab": "dst');
    const stderr = await expectRefused(dir, destroyArgs());
    expect(stderr).toContain(`hafarm: ${dir}/.lab/lab-state.json is damaged (not JSON: `);
    expect(stderr).toContain('run lab:destroy --provider NAME (the provider they were made with)');
    const destroyed = await destroy(dir, '--provider', 'netns');
    expect(destroyed.exitCode).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a file system mounted inside the folder', async () => {
    const dir = freshDir('mounted');
    write(dir, { '.lab/known_hosts': 'web1 ssh-ed25519 AAAA\n', '.lab/report/index.html': '<html>' });
    mkdirSync(join(dir, '.lab', 'report', 'mnt'));
    // A mount of the command's own (unshare): the host's mounts are not touched.
    const mountAndRun = [
      'unshare',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount -t tmpfs tmpfs "$0" && echo inside > "$0/f" && exec "$@"',
      join(dir, '.lab', 'report', 'mnt'),
    ];
    expect(await expectRefused(dir, destroyArgs(), { wrapper: mountAndRun })).toContain(
      `${dir}/.lab has file systems mounted inside it (${dir}/.lab/report/mnt); removing the folder would reach into them.`,
    );
  });

  it('--provider that is not the recorded one, or is auto', async () => {
    const dir = freshDir('provider-mismatch');
    hafarmState(join(dir, '.lab'));
    expect(await expectRefused(dir, destroyArgs('--provider', 'libvirt'), { exitCode: 2 })).toContain(
      `--provider: lab "${LAB_NAME}" was brought up with netns (its record in ${dir}/.lab says so); leave --provider out`,
    );
    expect(await expectRefused(dir, destroyArgs('--provider', 'auto'), { exitCode: 2 })).toContain(
      '--provider: "auto" is not allowed here (allowed: virtualbox, libvirt, netns, docker',
    );
  });
});

describe("lab:destroy removes hafarm's own entries, and the folder once nothing else is in it", () => {
  it('a whole state folder with its record: the folder goes, its neighbours stay', async () => {
    const dir = freshDir('whole');
    hafarmState(join(dir, '.lab'));
    write(dir, { 'lab-notes.txt': 'mine\n' });
    const result = await destroy(dir);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`lab "${LAB_NAME}": destroyed (netns); ${dir}/.lab removed`);
    expect(treeOf(dir)).toEqual({ 'lab-notes.txt': 'file mine\n' });
  });

  it("keeps a file of the user's in the folder, and says so", async () => {
    const dir = freshDir('user-file');
    hafarmState(join(dir, '.lab'));
    write(dir, { '.lab/notes.txt': 'mine\n', '.lab/drafts/a.md': 'draft\n' });
    const result = await destroy(dir);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      `lab "${LAB_NAME}": destroyed (netns); removed captures, known_hosts, lab-state.json, netns.json, report, secrets.json, ssh from ${dir}/.lab`,
    );
    expect(result.stdout).toContain(`kept ${dir}/.lab and what hafarm did not make in it: drafts, notes.txt`);
    expect(treeOf(dir)).toEqual({
      '.lab': 'folder',
      '.lab/drafts': 'folder',
      '.lab/drafts/a.md': 'file draft\n',
      '.lab/notes.txt': 'file mine\n',
    });
  });

  it('removes links inside its folders without following them, and keeps a link that bears one of its names', async () => {
    const dir = freshDir('links');
    write(dir, { 'outside/keep.txt': 'mine\n', 'outside/sub/deep.txt': 'mine too\n' });
    hafarmState(join(dir, '.lab'));
    symlinkSync(join(dir, 'outside'), join(dir, '.lab', 'report', 'to-outside'));
    symlinkSync('../../../outside/keep.txt', join(dir, '.lab', 'machines', 'web1', 'keep-link'));
    symlinkSync(join(dir, 'outside'), join(dir, '.lab', 'Vagrantfile'));
    const outside = treeOf(join(dir, 'outside'));
    const result = await destroy(dir);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`kept ${dir}/.lab and what hafarm did not make in it: Vagrantfile`);
    expect(treeOf(join(dir, 'outside'))).toEqual(outside);
    expect(treeOf(join(dir, '.lab'))).toEqual({ Vagrantfile: `link ${join(dir, 'outside')}` });
  });

  it("a folder of render's secrets only, no machines: nothing to destroy, the folder goes", async () => {
    const dir = freshDir('render-only');
    const rendered = await hafarm(['render', '--lab', labFile, '--out', 'out'], { cwd: dir });
    expect(rendered.exitCode).toBe(0);
    // secrets.json, and the ledger of what render wrote into out/ (replaced without --force next time)
    expect(readdirSync(join(dir, '.lab')).sort()).toEqual(['secrets.json', 'written-files.json']);
    const result = await destroy(dir);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`lab "${LAB_NAME}": nothing to destroy; ${dir}/.lab removed`);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('a state folder that is itself a mount point: its entries go, the empty folder stays', async () => {
    const dir = freshDir('mount-point');
    mkdirSync(join(dir, '.lab'));
    // The tmpfs and the state in it exist only in the command's own mount namespace (unshare).
    const state = JSON.stringify({ lab: LAB_NAME, definition: labFile, provider: 'netns', created: '' });
    const mountAndRun = [
      'unshare',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs tmpfs "$0" && echo '${state}' > "$0/lab-state.json" && echo x > "$0/known_hosts" && exec "$@"`,
      join(dir, '.lab'),
    ];
    const result = await hafarm(['destroy', '--lab', labFile], { cwd: dir, wrapper: mountAndRun });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      `lab "${LAB_NAME}": destroyed (netns); removed known_hosts, lab-state.json from ${dir}/.lab\nkept the empty folder ${dir}/.lab: a file system is mounted on it`,
    );
  });

  it('an empty folder', async () => {
    const dir = freshDir('empty');
    mkdirSync(join(dir, 'state'));
    const result = await destroy(dir, '--state', 'state');
    expect(result.exitCode).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('lab:up and lab:render do not start a lab in a folder that is not their own', () => {
  it.each([
    ['up', ['up', '--provider', 'virtualbox']],
    ['render', ['render', '--out', '../rendered']],
  ])('%s --state . in a project', async (_name, args) => {
    const project = projectLike(freshDir('claim-project'));
    const stderr = await expectRefused(project, [...args, '--lab', 'lab.yaml', '--state', '.']);
    expect(stderr).toContain(
      `${project} holds files hafarm did not make (.git, README.md, lab.yaml, src); a lab's state folder must be its own, because lab:destroy empties it.`,
    );
    expect(existsSync(join(project, '..', 'rendered'))).toBe(false);
  });
});
