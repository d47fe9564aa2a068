// lab:ssh-config's and lab:inventory's files read by the outside tools themselves (issue 17),
// against a real sshd standing for every machine: OpenSSH's ssh -F, Ansible's raw module and
// ansible-inventory, and testinfra. A state folder named with spaces, quotes, a %, a # and
// letters beyond ASCII stays one known_hosts file, and a machine whose key is not recorded is
// refused, not trusted on first sight.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../lib/farm/load-lab.ts';
import { renderInventory, type InventoryFormat } from '../../lib/outside/ansible-inventory.ts';
import type { OutsideLab } from '../../lib/outside/outside-lab.ts';
import { renderSshConfig } from '../../lib/outside/ssh-config.ts';
import { TUTORIAL_LAB } from '../helpers/cli.ts';
import { outsideLabOf, withHostRenamed } from '../helpers/outside-lab.ts';
import { ansible, ansibleGroups, ansibleHostVars, rawOutputByHost, ssh, testinfra } from '../helpers/outside-tools.ts';
import { sshdForTests } from '../helpers/sshd.ts';

const { scratch, sshd } = sshdForTests('outside-tools');
const lab = loadLab(TUTORIAL_LAB);
const KNOWN_HOSTS_FOLDER = `my "lab" 100%d 'ñ' #1`;
const KEY_FOLDER = `keys 'ñ' #1 $HOME`;

/**
 * Every host of the lab at the test's sshd: the known_hosts (in a folder of that name) records
 * the sshd's key for every host but `unrecorded`; the client key is copied into a folder of its own.
 */
function labAtSshd(folder: string, unrecorded: string): OutsideLab {
  const state = join(scratch.dir, folder);
  const keys = join(scratch.dir, KEY_FOLDER);
  mkdirSync(state, { recursive: true });
  mkdirSync(keys, { recursive: true });
  const keyFile = join(keys, 'id_ed25519');
  copyFileSync(sshd().clientKey, keyFile);
  const hostKey = readFileSync(join(sshd().dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(
    join(state, 'known_hosts'),
    lab.hosts
      .filter((h) => h.name !== unrecorded)
      .map((h) => `${h.name} ${hostKey}\n`)
      .join(''),
    { mode: 0o600 },
  );
  return outsideLabOf(lab, state, { address: () => sshd().address, port: sshd().port, keyFile });
}

describe("lab:ssh-config's file with OpenSSH's ssh -F", () => {
  it('logs in to a recorded machine, refuses one whose key is not recorded, and writes no key and no stray file', async () => {
    const outside = labAtSshd(KNOWN_HOSTS_FOLDER, 'web3');
    const config = join(scratch.dir, 'ssh config');
    writeFileSync(config, renderSshConfig(outside));
    const knownHosts = readFileSync(outside.knownHostsFile, 'utf8');

    const inside = await ssh(config, 'haproxy1', 'echo inside', scratch.dir);
    expect([inside.exitCode, inside.stdout, inside.stderr]).toEqual([0, 'inside', '']);
    const unrecorded = await ssh(config, 'web3', 'echo inside', scratch.dir);
    expect(unrecorded.exitCode).toBe(255);
    expect(unrecorded.stderr).toMatch(
      /No ED25519 host key is known for web3 and you have requested strict checking\.\s+Host key verification failed\./,
    );
    expect(readFileSync(outside.knownHostsFile, 'utf8')).toBe(knownHosts);
    expect(readdirSync(scratch.dir).sort()).toEqual([KEY_FOLDER, KNOWN_HOSTS_FOLDER, 'home', 'ssh config'].sort());
  }, 60_000);

  it('is what testinfra logs in with: py.test --ssh-config, a file and a command on each host', async () => {
    const outside = labAtSshd(KNOWN_HOSTS_FOLDER, 'web3');
    const config = join(scratch.dir, 'ssh config');
    writeFileSync(config, renderSshConfig(outside));
    const tests = join(scratch.dir, 'test_hosts.py');
    writeFileSync(
      tests,
      [
        'def test_reached(host):',
        '    assert host.file("/etc/hostname").exists',
        '    assert host.run("echo inside").stdout.strip() == "inside"',
        '',
      ].join('\n'),
    );
    const run = await testinfra(tests, ['haproxy1', 'web1'], config, scratch.dir);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/PASSED test_hosts\.py::test_reached\[ssh:\/\/haproxy1\]/);
    expect(run.stdout).toMatch(/2 passed/);
    const refused = await testinfra(tests, ['web3'], config, scratch.dir);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain('Host key verification failed');
  }, 120_000);
});

describe("lab:inventory's file with Ansible", () => {
  it.each<InventoryFormat>(['yaml', 'ini'])(
    '%s: reads back every value exactly, as the renderer wrote it',
    async (format) => {
      const outside = outsideLabOf(withHostRenamed(lab, 'web2', 'on'), join(scratch.dir, KNOWN_HOSTS_FOLDER), {
        keyFile: join(scratch.dir, KEY_FOLDER, 'id_ed25519'),
        user: 'vagrant',
      });
      const inventory = join(scratch.dir, `hosts.${format}`);
      writeFileSync(inventory, renderInventory(outside, format));
      const hostVars = await ansibleHostVars(inventory, scratch.dir);
      expect(Object.keys(hostVars).sort()).toEqual(['haproxy1', 'haproxy2', 'on', 'web1', 'web3']);
      expect(hostVars.haproxy1).toEqual({
        ansible_host: '10.213.7.2',
        ansible_port: 22,
        ansible_user: 'vagrant',
        ansible_become: true,
        ansible_ssh_private_key_file: join(scratch.dir, KEY_FOLDER, 'id_ed25519'),
        ansible_ssh_common_args: expect.stringContaining('-o StrictHostKeyChecking=yes'),
        role: 'master',
        lan_address: '192.168.1.101',
        heartbeat_address: '10.100.100.1',
        vip_address: '192.168.1.100',
        vip_name: 'trabajoswap.com',
        ha_stack: 'heartbeat',
      });
      expect(hostVars.on).toMatchObject({ role: 'web', lan_address: '192.168.1.104' });
      expect(await ansibleGroups(inventory, scratch.dir)).toMatchObject({
        balancers: ['haproxy1', 'haproxy2'],
        web: ['web1', 'on', 'web3'],
      });
    },
  );

  it.each<InventoryFormat>(['yaml', 'ini'])(
    '%s: ansible -m raw runs on the recorded machines and refuses the one whose key is not recorded',
    async (format) => {
      const outside = labAtSshd(KNOWN_HOSTS_FOLDER, 'web3');
      const inventory = join(scratch.dir, `hosts.${format}`);
      writeFileSync(inventory, renderInventory(outside, format));
      const all = await ansible(inventory, 'all', 'echo inside', scratch.dir);
      // 4: some hosts were unreachable
      expect(all.exitCode, `${all.stdout}\n${all.stderr}`).toBe(4);
      const byHost = rawOutputByHost(all.stdout);
      for (const host of ['haproxy1', 'haproxy2', 'web1', 'web2'])
        expect(byHost.get(host), host).toEqual({ status: 'CHANGED', output: 'inside' });
      expect(byHost.get('web3')?.status).toBe('UNREACHABLE!');
      expect(byHost.get('web3')?.output).toContain('Host key verification failed');
      const balancers = await ansible(inventory, 'balancers', 'echo inside', scratch.dir);
      expect(balancers.exitCode, balancers.stdout).toBe(0);
      expect([...rawOutputByHost(balancers.stdout).keys()].sort()).toEqual(['haproxy1', 'haproxy2']);
    },
    120_000,
  );
});
