// T1 checked by the real vagrant CLI: `lab:render` writes a Vagrantfile that `vagrant validate`
// accepts, for the tutorial's farm and for another shape of farm.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FOUR_WEB_LAB, TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';
import { vagrantValidate, vboxVersionOnlyPath } from '../helpers/validators.ts';

const scratch = scratchDir('validate');
afterAll(() => scratch.remove());

function validate(dir: string, withVirtualBoxBlocks: boolean) {
  return vagrantValidate(dir, { scratch: scratch.dir, withVirtualBoxBlocks });
}

/** The tutorial's lab with its machines under QEMU's emulation on libvirt. */
const EMULATED_LAB = join(scratch.dir, 'emulated.yaml');
writeFileSync(
  EMULATED_LAB,
  readFileSync(TUTORIAL_LAB, 'utf8').replace('  cpus: 1\n', '  cpus: 1\n  libvirt_driver: qemu\n'),
);

describe.each([
  ['the tutorial lab', TUTORIAL_LAB, 5, 'tutorial'],
  ['four web servers on other subnets', FOUR_WEB_LAB, 6, 'four'],
  ['the tutorial lab under QEMU emulation (box.libvirt_driver: qemu)', EMULATED_LAB, 5, 'emulated'],
])('vagrant validate: %s', (_name, labFile, machines, tag) => {
  const out = join(scratch.dir, `render-${tag}`);

  it('renders the Vagrantfile', async () => {
    const result = await hafarm(['render', '--lab', labFile, '--out', out], { cwd: scratch.dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`of ${machines} hosts`);
    expect(readFileSync(join(out, 'Vagrantfile'), 'utf8')).toContain("Vagrant.configure('2')");
  });

  it('passes vagrant validate (machines and networks)', async () => {
    const result = await validate(out, false);
    expect(result.stdout + result.stderr).toContain('Vagrantfile validated successfully');
    expect(result.exitCode).toBe(0);
  });

  it('passes vagrant validate with its VirtualBox validator', async () => {
    const result = await validate(out, true);
    expect(result.stdout + result.stderr).toContain('Vagrantfile validated successfully');
    expect(result.exitCode).toBe(0);
  });

  it('is refused by vagrant validate once broken, so the check can fail', async () => {
    const broken = join(scratch.dir, `broken-${tag}`);
    mkdirSync(broken, { recursive: true });
    writeFileSync(
      join(broken, 'Vagrantfile'),
      readFileSync(join(out, 'Vagrantfile'), 'utf8').replace('vb.memory', 'vb.memroy'),
    );
    const result = await validate(broken, true);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('memroy');
  });
});

// The provider's read-only calls against the real vagrant CLI, machines not created (no VM can
// boot here): `vagrant ssh-config` fails as it does when V3/V4 have powered a machine off, and
// sshEndpoints() answers with the running machines — none — instead of failing.
describe('the VirtualBox provider through the real vagrant CLI, before lab:up', () => {
  it('reports every machine not created and no SSH endpoint, without failing', async () => {
    const { VagrantProvider } = await import('../../lib/providers/vagrant/vagrant-provider.ts');
    const { loadLab } = await import('../../lib/farm/load-lab.ts');
    const { labStateDir } = await import('../../lib/farm/lab-state-dir.ts');
    const state = labStateDir(join(scratch.dir, 'provider-state'));
    mkdirSync(state.dir, { recursive: true });
    const provider = new VagrantProvider('virtualbox', loadLab(TUTORIAL_LAB), state);
    provider.writeVagrantfile();
    const path = process.env.PATH;
    process.env.PATH = vboxVersionOnlyPath(scratch.dir);
    try {
      expect((await provider.status()).map((m) => `${m.host} ${m.state}`)).toEqual(
        ['haproxy1', 'haproxy2', 'web1', 'web2', 'web3'].map((h) => `${h} not_created`),
      );
      expect((await provider.sshEndpoints()).size).toBe(0);
    } finally {
      process.env.PATH = path;
    }
  }, 60_000);
});
