// Outside tools on a namespace lab, as root (issue 17): lab:ssh-config's file used by OpenSSH's
// ssh -F and testinfra, lab:inventory's by Ansible's raw module (the machines have no Python),
// host keys checked strictly against the lab's known_hosts, which provisioning writes: before
// it, every machine is named as not checkable yet and refused.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../lib/farm/load-lab.ts';
import { balancers, webServers } from '../../lib/lab/model.ts';
import { TUTORIAL_LAB } from '../helpers/cli.ts';
import { cli, e2eLabs, mustSucceed, upAndProvisioned } from '../helpers/netns-lab.ts';
import { ansible, rawOutputByHost, ssh, testinfra } from '../helpers/outside-tools.ts';

const labs = e2eLabs('outside');
const L = labs.lab(TUTORIAL_LAB, 'ot');
const model = loadLab(TUTORIAL_LAB);
const HOSTS = model.hosts.map((h) => h.name);

beforeAll(() => labs.create());
afterAll(() => labs.destroy(), 300_000);

const config = () => join(L.dir, 'ssh_config');
const inventory = (format: 'yaml' | 'ini') => join(L.dir, `hosts.${format}`);

/** testinfra's tests of the farm, one per kind of host: what each serves, and the daemons that run there. */
function farmTests(): string {
  const web = JSON.stringify(webServers(model).map((h) => h.name));
  const page = JSON.stringify(model.nginx.page);
  return `
import pytest

WEB = ${web}


def name(host):
    return host.backend.get_hostname()


def test_page_on_each_web_server(host):
    if name(host) not in WEB:
        pytest.skip("a balancer serves no page")
    page = host.file("/var/www/html/index.html")
    assert page.exists and page.is_file
    assert page.contains(${page}.replace("{host}", name(host)).replace("(", "[(]").replace(")", "[)]"))
    assert host.file("/etc/nginx/conf.d/hafarm-session-cookie.conf").exists


def test_daemons_where_they_belong(host):
    web = name(host) in WEB
    # SysV init scripts (no systemd in the machines): "service NAME status"
    assert host.service("nginx").is_running == web
    assert len(host.process.filter(comm="nginx")) > 0 if web else not host.exists("nginx")
    assert (len(host.process.filter(comm="haproxy")) > 0) == (not web)
    if not web:
        assert host.service("haproxy").is_running
        assert host.service("heartbeat").is_running
`;
}

describe('outside tools on a namespace lab', () => {
  it('before provisioning: every machine named as having no recorded host key, and ssh -F refuses it', async () => {
    await mustSucceed(L, 'up', '--provider', 'netns');
    const written = await mustSucceed(L, 'ssh-config', '--out', config());
    for (const host of HOSTS)
      expect(written.stderr).toContain(
        `note: ${host}: no host key recorded in ${join(L.state, 'known_hosts')} yet: ssh refuses it (StrictHostKeyChecking yes)`,
      );
    const refused = await ssh(config(), 'web1', 'true', L.dir);
    expect(refused.exitCode).toBe(255);
    expect(refused.stderr).toContain('Host key verification failed.');
  }, 900_000);

  it('after provisioning: the config and both inventories, each machine with its block, nothing said on stderr, files of mode 600', async () => {
    await upAndProvisioned(L);
    const printed = await mustSucceed(L, 'ssh-config');
    expect(printed.stderr).toBe('');
    expect([...printed.stdout.matchAll(/^Host (\S+)$/gm)].map((m) => m[1])).toEqual(HOSTS);
    await mustSucceed(L, 'ssh-config', '--out', config());
    expect(readFileSync(config(), 'utf8')).toBe(`${printed.stdout}\n`);
    await mustSucceed(L, 'inventory', '--out', inventory('yaml'));
    await mustSucceed(L, 'inventory', '--format', 'ini', '--out', inventory('ini'));
    for (const file of [config(), inventory('yaml'), inventory('ini')])
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
  }, 900_000);

  it('ssh -F logs in to a web server and a balancer, checking the host key; another known_hosts is refused', async () => {
    const web1 = await ssh(config(), 'web1', 'true', L.dir);
    expect([web1.exitCode, web1.stderr]).toEqual([0, '']);
    const haCf = await ssh(config(), 'haproxy1', 'cat /etc/ha.d/ha.cf', L.dir);
    expect(haCf.exitCode, haCf.stderr).toBe(0);
    expect(haCf.stdout).toMatch(/^node\s+haproxy1$/m);
    const empty = join(L.dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    // the command line's UserKnownHostsFile comes first; StrictHostKeyChecking yes is the config's
    const strict = await ssh(config(), 'web1', 'true', L.dir, ['-o', `UserKnownHostsFile=${empty}`]);
    expect(strict.exitCode).toBe(255);
    expect(strict.stderr).toContain('Host key verification failed.');
    expect(readFileSync(empty, 'utf8')).toBe('');
  }, 60_000);

  it.each(['yaml', 'ini'] as const)(
    'ansible -i (%s) -m raw: each host says its name, and the balancers group is the balancers',
    async (format) => {
      const all = await ansible(inventory(format), 'all', 'uname -n', L.dir);
      expect(all.exitCode, `${all.stdout}\n${all.stderr}`).toBe(0);
      const byHost = rawOutputByHost(all.stdout);
      expect([...byHost.keys()].sort()).toEqual([...HOSTS].sort());
      for (const host of HOSTS) expect(byHost.get(host), host).toEqual({ status: 'CHANGED', output: host });

      const addresses = await ansible(inventory(format), 'balancers', 'ip -br addr', L.dir);
      expect(addresses.exitCode, `${addresses.stdout}\n${addresses.stderr}`).toBe(0);
      const byBalancer = rawOutputByHost(addresses.stdout);
      expect([...byBalancer.keys()].sort()).toEqual(
        balancers(model)
          .map((h) => h.name)
          .sort(),
      );
      for (const host of balancers(model)) {
        expect(byBalancer.get(host.name)!.output, host.name).toContain(`${host.lan}/24`);
        expect(byBalancer.get(host.name)!.output, host.name).toContain(`${host.heartbeat}/24`);
      }
      // the VIP on one balancer only
      expect(
        balancers(model).filter((h) => byBalancer.get(h.name)!.output.includes(`${model.vip.address}/`)),
      ).toHaveLength(1);
    },
    120_000,
  );

  it('testinfra (py.test --ssh-config) finds the page on each web server, and nginx, haproxy and heartbeat running where they belong', async () => {
    const tests = join(L.dir, 'test_farm.py');
    writeFileSync(tests, farmTests());
    const run = await testinfra(tests, HOSTS, config(), L.dir);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    for (const host of HOSTS)
      expect(run.stdout).toContain(`PASSED test_farm.py::test_daemons_where_they_belong[ssh://${host}]`);
    for (const host of webServers(model))
      expect(run.stdout).toContain(`PASSED test_farm.py::test_page_on_each_web_server[ssh://${host.name}]`);
    expect(run.stdout).toMatch(/8 passed, 2 skipped/);
  }, 180_000);

  it('leaves out a machine that is not running, saying so on stderr', async () => {
    await mustSucceed(L, 'halt', 'web2');
    const config = await mustSucceed(L, 'ssh-config');
    expect(config.stdout).not.toMatch(/^Host web2$/m);
    expect(config.stderr).toBe('note: web2 is not running: left out (npm run lab:start -- web2, then run this again)');
    const ini = await mustSucceed(L, 'inventory', '--format', 'ini');
    expect(ini.stdout).not.toMatch(/^web2 /m);
    expect(ini.stdout).toMatch(/^web3 /m);
    expect((await cli(L, 'inventory', '--format', 'toml')).exitCode).toBe(2);
  }, 120_000);
});
