// T1 checked by the real vagrant CLI: `lab:render` writes a Vagrantfile that `vagrant validate`
// accepts, for the tutorial's farm and for another shape of farm.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { FOUR_WEB_LAB, TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('validate');
afterAll(() => scratch.remove());

/**
 * vagrant validates provider blocks only for a provider it believes usable. VirtualBox cannot be
 * installed on Debian 12, so a VBoxManage that only reports a version makes vagrant check our
 * VirtualBox blocks with its own VirtualBox config validator (nothing else of it is used).
 */
function vboxVersionOnlyPath(): string {
  const dir = join(scratch.dir, 'vbox-version-only');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'VBoxManage'), '#!/bin/sh\necho 7.0.14r161095\n');
  chmodSync(join(dir, 'VBoxManage'), 0o755);
  return `${dir}:${process.env.PATH}`;
}

async function vagrantValidate(dir: string, withVirtualBoxBlocks: boolean) {
  const args = withVirtualBoxBlocks ? ['validate'] : ['validate', '--ignore-provider'];
  const env = withVirtualBoxBlocks ? { PATH: vboxVersionOnlyPath(), VAGRANT_DEFAULT_PROVIDER: 'virtualbox' } : {};
  return execa('vagrant', args, { cwd: dir, env: { ...env, VAGRANT_CWD: dir }, reject: false });
}

describe.each([
  ['the tutorial lab', TUTORIAL_LAB, 5],
  ['four web servers on other subnets', FOUR_WEB_LAB, 6],
])('vagrant validate: %s', (_name, labFile, machines) => {
  const out = join(scratch.dir, `render-${machines}`);

  it('renders the Vagrantfile', async () => {
    const result = await hafarm(['render', '--lab', labFile, '--out', out], { cwd: scratch.dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`of ${machines} hosts`);
    expect(readFileSync(join(out, 'Vagrantfile'), 'utf8')).toContain("Vagrant.configure('2')");
  });

  it('passes vagrant validate (machines and networks)', async () => {
    const result = await vagrantValidate(out, false);
    expect(result.stdout + result.stderr).toContain('Vagrantfile validated successfully');
    expect(result.exitCode).toBe(0);
  });

  it('passes vagrant validate with its VirtualBox validator', async () => {
    const result = await vagrantValidate(out, true);
    expect(result.stdout + result.stderr).toContain('Vagrantfile validated successfully');
    expect(result.exitCode).toBe(0);
  });

  it('is refused by vagrant validate once broken, so the check can fail', async () => {
    const broken = join(scratch.dir, `broken-${machines}`);
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'Vagrantfile'), readFileSync(join(out, 'Vagrantfile'), 'utf8').replace('vb.memory', 'vb.memroy'));
    const result = await vagrantValidate(broken, true);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('memroy');
  });
});
