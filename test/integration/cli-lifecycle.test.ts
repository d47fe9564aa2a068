// The lifecycle commands as a user runs them, on this host (no VirtualBox, no libvirt): every
// refusal is one clear message and creates nothing, neither .lab/ nor a Vagrantfile.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('cli');
afterAll(() => scratch.remove());

function freshDir(name: string, labText?: string): string {
  const dir = join(scratch.dir, name);
  mkdirSync(dir, { recursive: true });
  if (labText !== undefined) writeFileSync(join(dir, 'lab.yaml'), labText);
  return dir;
}

const tutorialText = readFileSync(TUTORIAL_LAB, 'utf8');

describe('bad lab definitions create nothing', () => {
  const badLab = tutorialText.replace('address: 192.168.1.100', 'address: 192.168.1.101');

  const commands = [
    ['up'],
    ['up', '--provider', 'virtualbox'],
    ['render', '--out', 'out'],
    ['status'],
    ['destroy'],
    ['validate'],
  ];
  it.each(commands.map((args) => [args.join(' '), args] as const))('%s', async (_name, args) => {
    const dir = freshDir(`bad-${args.join('-')}`, badLab);
    const result = await hafarm(args, { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^hafarm: lab\.yaml: the lab definition has 1 problem; nothing was created\.\n {2}lab\.yaml:\d+:\d+: vip\.address: 192\.168\.1\.101 is already hosts\[0\]\.lan/,
    );
    expect(readdirSync(dir)).toEqual(['lab.yaml']);
  });
});

describe('missing prerequisites are one message, before anything is created', () => {
  it('up --provider virtualbox says VirtualBox is missing and how to get it', async () => {
    const dir = freshDir('no-vbox', tutorialText);
    const result = await hafarm(['up', '--provider', 'virtualbox'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('The virtualbox provider cannot run on this host. Missing:');
    expect(result.stderr).toContain('VirtualBox (VBoxManage does not answer)');
    expect(result.stderr).toContain('winget install Oracle.VirtualBox');
    expect(result.stderr).toContain('Nothing was created.');
    expect(readdirSync(dir)).toEqual(['lab.yaml']);
  });

  it('up --provider virtualbox refuses a VirtualBox that this Vagrant cannot drive, naming both versions', async () => {
    const dir = freshDir('vbox-too-new', tutorialText);
    // Debian's real vagrant (2.3.4) beside a VBoxManage that says it is VirtualBox 7.1.
    const bin = freshDir('vbox-7.1-bin');
    writeFileSync(join(bin, 'VBoxManage'), '#!/bin/sh\necho 7.1.4r165100\n', { mode: 0o755 });
    const result = await hafarm(['up', '--provider', 'virtualbox'], {
      cwd: dir,
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^ {2}- Vagrant 2\.3\.4 cannot drive VirtualBox 7\.1 \(it needs Vagrant 2\.4\.2 or later\)$/m,
    );
    expect(result.stderr).not.toContain('VBoxManage does not answer');
    expect(readdirSync(dir)).toEqual(['lab.yaml']);
  });

  it('up --provider libvirt names the plugin and libvirtd', async () => {
    const dir = freshDir('no-libvirt', tutorialText);
    // vagrant and nothing else on PATH: no virsh, whatever this host has (test:vms installs
    // libvirt and runs libvirtd for its own run; this must never reach a real `vagrant up`).
    const bin = join(dir, '..', 'bin-vagrant-only');
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, 'vagrant')))
      symlinkSync(execFileSync('sh', ['-c', 'command -v vagrant'], { encoding: 'utf8' }).trim(), join(bin, 'vagrant'));
    const result = await hafarm(['up', '--provider', 'libvirt'], { cwd: dir, env: { PATH: bin } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/vagrant-libvirt|libvirtd/);
    expect(readdirSync(dir)).toEqual(['lab.yaml']);
  });

  it('without vagrant at all, says so first', async () => {
    const dir = freshDir('no-vagrant', tutorialText);
    const result = await hafarm(['up', '--provider', 'virtualbox'], { cwd: dir, env: { PATH: '/nonexistent' } });
    expect(result.stderr).toContain('vagrant (not found on PATH)');
    expect(readdirSync(dir)).toEqual(['lab.yaml']);
  });
});

describe('usage errors', () => {
  it('refuses an unknown provider on the command line', async () => {
    const dir = freshDir('bad-provider', tutorialText);
    const result = await hafarm(['up', '--provider', 'vmware'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      '--provider: "vmware" is not a provider (allowed: auto, virtualbox, libvirt, netns, docker, existing)',
    );
    expect(readdirSync(dir)).toEqual(['lab.yaml']);
  });

  it('refuses an unknown command and an unknown option', async () => {
    const dir = freshDir('usage', tutorialText);
    expect((await hafarm(['launch'], { cwd: dir })).stderr).toContain('unknown command "launch"');
    const result = await hafarm(['up', '--provder', 'libvirt'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("Unknown option '--provder'");
  });

  it('render without --out says what it needs', async () => {
    const result = await hafarm(['render'], { cwd: freshDir('render-no-out', tutorialText) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('render needs --out DIR');
  });
});

describe('status and destroy on a lab that is not up', () => {
  it('status says the lab is not up', async () => {
    const dir = freshDir('status', tutorialText);
    const result = await hafarm(['status'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('lab "swap" has not been brought up');
  });

  it('destroy has nothing to do and leaves other files alone', async () => {
    const dir = freshDir('destroy', tutorialText);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const result = await hafarm(['destroy'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('nothing to destroy');
    expect(readdirSync(dir).sort()).toEqual(['lab.yaml', 'notes.txt']);
  });

  it('refuses a state folder that belongs to another lab', async () => {
    const dir = freshDir('mismatch', tutorialText);
    mkdirSync(join(dir, '.lab'));
    writeFileSync(
      join(dir, '.lab', 'lab-state.json'),
      JSON.stringify({ lab: 'other', definition: '/x/other.yaml', provider: 'libvirt', created: '' }),
    );
    const result = await hafarm(['destroy'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('holds lab "other"');
    expect(existsSync(join(dir, '.lab', 'lab-state.json'))).toBe(true);
  });
});
