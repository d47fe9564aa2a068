// The lab definition (issue 2): the tutorial's farm loads exactly as T1 says, other shapes load
// with no code change, and every bad input is refused naming file, line, field and what is allowed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LabDefinitionError, type DefinitionIssue } from '../../lib/lab/definition-error.ts';
import { formatCidr } from '../../lib/lab/ipv4.ts';
import { loadLab, parseLab } from '../../lib/lab/load.ts';
import { balancers, masterBalancer, webServers } from '../../lib/lab/model.ts';

const TUTORIAL = readFileSync(new URL('../../lab.yaml', import.meta.url), 'utf8');

function issuesOf(text: string): DefinitionIssue[] {
  try {
    parseLab(text, '/labs/bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(LabDefinitionError);
    return (error as LabDefinitionError).issues;
  }
  throw new Error('the definition was accepted');
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" not in the text`);
  return text.slice(0, index).split('\n').length;
}

describe('the tutorial lab (T1)', () => {
  const lab = loadLab(new URL('../../lab.yaml', import.meta.url).pathname);

  it('has the five hosts with every address of the T1 table', () => {
    expect(lab.hosts.map((h) => [h.name, h.role, h.lan, h.heartbeat])).toEqual([
      ['haproxy1', 'master', '192.168.1.101', '10.100.100.1'],
      ['haproxy2', 'backup', '192.168.1.102', '10.100.100.2'],
      ['web1', 'web', '192.168.1.103', undefined],
      ['web2', 'web', '192.168.1.104', undefined],
      ['web3', 'web', '192.168.1.105', undefined],
    ]);
    expect(masterBalancer(lab).name).toBe('haproxy1');
    expect(balancers(lab)).toHaveLength(2);
    expect(webServers(lab)).toHaveLength(3);
  });

  it('has the networks, the VIP and the settings of T5 and T8', () => {
    expect(formatCidr(lab.networks.lan.cidr)).toBe('192.168.1.0/24');
    expect(lab.networks.lan.gateway).toBe('192.168.1.1');
    expect(formatCidr(lab.networks.heartbeat.cidr)).toBe('10.100.100.0/24');
    expect([lab.networks.lan.interface, lab.networks.heartbeat.interface]).toEqual(['eth1', 'eth2']);
    expect(lab.vip).toEqual({ address: '192.168.1.100', name: 'trabajoswap.com' });
    expect(lab.heartbeat).toMatchObject({ deadtime: 5, warntime: 10, initdead: 15, autoFailback: true, logfile: '/var/log/ha-log', debugfile: '/var/log/ha-debug' });
    expect(lab.haproxy).toMatchObject({ listen: 'web-cluster', balance: 'roundrobin', cookie: { name: 'JSESSIONID', mode: 'prefix' }, options: ['httpclose', 'forwardfor'] });
    expect(lab.haproxy.stats.user).toBe('admin');
  });

  it('takes memory and cpus from the box unless a host overrides them', () => {
    expect(lab.hosts.find((h) => h.name === 'haproxy1')).toMatchObject({ memory: 512, cpus: 1 });
    expect(lab.hosts.find((h) => h.name === 'web1')).toMatchObject({ memory: 384, cpus: 1 });
  });
});

describe('the libvirt driver (box.libvirt_driver)', () => {
  it('is kvm unless the definition asks for QEMU\'s emulation', () => {
    expect(parseLab(TUTORIAL, '/labs/lab.yaml').box.libvirtDriver).toBe('kvm');
    expect(parseLab(TUTORIAL.replace('  cpus: 1\n', '  cpus: 1\n  libvirt_driver: qemu\n'), '/labs/lab.yaml').box.libvirtDriver).toBe('qemu');
    expect(parseLab(TUTORIAL.replace('  cpus: 1\n', '  cpus: 1\n  libvirt_driver: kvm\n'), '/labs/lab.yaml').box.libvirtDriver).toBe('kvm');
  });
});

describe('other farms are an edit of the definition', () => {
  it('loads four web servers on other subnets', () => {
    const lab = loadLab(new URL('../fixtures/labs/four-web.yaml', import.meta.url).pathname);
    expect(webServers(lab).map((h) => h.lan)).toEqual(['172.20.0.103', '172.20.0.104', '172.20.0.105', '172.20.0.106']);
    expect(formatCidr(lab.networks.heartbeat.cidr)).toBe('10.200.0.0/24');
  });

  it('loads three balancers (one master, two backups)', () => {
    const text = TUTORIAL.replace('  - name: web1\n', '  - name: haproxy3\n    role: backup\n    lan: 192.168.1.110\n    heartbeat: 10.100.100.3\n  - name: web1\n');
    const lab = parseLab(text, '/labs/three.yaml');
    expect(balancers(lab).map((h) => `${h.name}:${h.role}`)).toEqual(['haproxy1:master', 'haproxy2:backup', 'haproxy3:backup']);
  });
});

interface BadCase {
  name: string;
  edit: (text: string) => string;
  field: string;
  problem: RegExp;
  allowed?: RegExp;
  /** text on the line the issue must point at */
  at?: string;
}

const BAD: BadCase[] = [
  { name: 'unknown key', edit: (t) => t.replace('  memory: 512\n', '  memory: 512\n  memroy: 1\n'), field: 'box.memroy', problem: /unknown field/, allowed: /memory/, at: 'memroy: 1' },
  { name: 'unknown top-level key', edit: (t) => `${t}\nextra: 1\n`, field: 'extra', problem: /unknown field/, allowed: /hosts/, at: 'extra: 1' },
  { name: 'missing field', edit: (t) => t.replace('    lan: 192.168.1.104\n', ''), field: 'hosts[3].lan', problem: /missing field/, at: '- name: web2' },
  { name: 'missing section', edit: (t) => t.replace(/^vip:\n(  .*\n)+/m, ''), field: 'vip', problem: /missing field/ },
  { name: 'bad CIDR', edit: (t) => t.replace('cidr: 10.100.100.0/24', 'cidr: 10.100.100.0/33'), field: 'networks.heartbeat.cidr', problem: /not a valid network/, allowed: /CIDR/, at: '10.100.100.0/33' },
  { name: 'CIDR with host bits', edit: (t) => t.replace('cidr: 192.168.1.0/24', 'cidr: 192.168.1.5/24'), field: 'networks.lan.cidr', problem: /not a valid network/, allowed: /192\.168\.1\.0\/24/ },
  { name: 'bad address', edit: (t) => t.replace('lan: 192.168.1.103', 'lan: 192.168.1.303'), field: 'hosts[2].lan', problem: /not an IPv4 address/, allowed: /IPv4/, at: '192.168.1.303' },
  { name: 'address outside its network', edit: (t) => t.replace('lan: 192.168.1.105', 'lan: 192.168.2.105'), field: 'hosts[4].lan', problem: /outside the LAN 192\.168\.1\.0\/24/, at: '192.168.2.105' },
  { name: 'heartbeat address outside its network', edit: (t) => t.replace('heartbeat: 10.100.100.2', 'heartbeat: 10.100.101.2'), field: 'hosts[1].heartbeat', problem: /outside the heartbeat network/ },
  { name: 'gateway outside the LAN', edit: (t) => t.replace('gateway: 192.168.1.1', 'gateway: 10.0.0.1'), field: 'networks.lan.gateway', problem: /outside the LAN/ },
  { name: 'duplicate hostname', edit: (t) => t.replace('- name: web3', '- name: web1'), field: 'hosts[4].name', problem: /duplicate hostname "web1"/, at: '- name: web1\n    role: web\n    lan: 192.168.1.105' },
  { name: 'duplicate address', edit: (t) => t.replace('lan: 192.168.1.104', 'lan: 192.168.1.103'), field: 'hosts[3].lan', problem: /duplicate address 192\.168\.1\.103 \(also hosts\[2\]\.lan\)/ },
  { name: 'duplicate heartbeat address', edit: (t) => t.replace('heartbeat: 10.100.100.2', 'heartbeat: 10.100.100.1'), field: 'hosts[1].heartbeat', problem: /duplicate address/ },
  { name: 'host on the gateway address', edit: (t) => t.replace('lan: 192.168.1.103', 'lan: 192.168.1.1'), field: 'hosts[2].lan', problem: /duplicate address 192\.168\.1\.1 \(also networks\.lan\.gateway\)/ },
  { name: 'VIP equal to a host', edit: (t) => t.replace('address: 192.168.1.100', 'address: 192.168.1.102'), field: 'vip.address', problem: /already hosts\[1\]\.lan/, allowed: /free host address/ },
  { name: 'VIP equal to the gateway', edit: (t) => t.replace('address: 192.168.1.100', 'address: 192.168.1.1'), field: 'vip.address', problem: /already networks\.lan\.gateway/ },
  { name: 'VIP outside the LAN', edit: (t) => t.replace('address: 192.168.1.100', 'address: 10.100.100.100'), field: 'vip.address', problem: /outside the LAN/ },
  { name: 'balancer without heartbeat address', edit: (t) => t.replace('    heartbeat: 10.100.100.2\n', ''), field: 'hosts[1].role', problem: /balancer "haproxy2" has no heartbeat address/ },
  { name: 'web server on the heartbeat network', edit: (t) => t.replace('    lan: 192.168.1.103\n', '    lan: 192.168.1.103\n    heartbeat: 10.100.100.3\n'), field: 'hosts[2].heartbeat', problem: /web server "web1" must not be on the heartbeat network/ },
  { name: 'no master', edit: (t) => t.replace('role: master', 'role: backup'), field: 'hosts', problem: /no host has role master/, allowed: /exactly one/ },
  { name: 'two masters', edit: (t) => t.replace('role: backup', 'role: master'), field: 'hosts[1].role', problem: /a second master/ },
  { name: 'unknown role', edit: (t) => t.replace('role: backup', 'role: slave'), field: 'hosts[1].role', problem: /"slave" is not known/, allowed: /master, backup, web/ },
  { name: 'unknown libvirt driver', edit: (t) => t.replace('  cpus: 1\n', '  cpus: 1\n  libvirt_driver: tcg\n'), field: 'box.libvirt_driver', problem: /"tcg" is not known/, allowed: /kvm, qemu/, at: 'libvirt_driver: tcg' },
  { name: 'unknown provider', edit: (t) => t.replace('provider: auto', 'provider: vmware'), field: 'provider', problem: /"vmware" is not known/, allowed: /virtualbox/, at: 'provider: vmware' },
  { name: 'invalid host name', edit: (t) => t.replace('- name: web2', '- name: web_2'), field: 'hosts[3].name', problem: /"web_2" is not valid/, allowed: /host name/ },
  { name: 'host name ending in a dash', edit: (t) => t.replace('- name: web2', '- name: web-'), field: 'hosts[3].name', problem: /not valid/ },
  { name: 'overlapping networks', edit: (t) => t.replace('cidr: 10.100.100.0/24', 'cidr: 192.168.0.0/16').replace(/10\.100\.100\./g, '192.168.200.'), field: 'networks.heartbeat.cidr', problem: /overlaps the LAN/ },
  { name: 'wrong type', edit: (t) => t.replace('deadtime: 5', 'deadtime: five'), field: 'heartbeat.deadtime', problem: /whole number/, allowed: /1 to 3600/ },
  { name: 'keepalive not below deadtime', edit: (t) => t.replace('keepalive: 1', 'keepalive: 5'), field: 'heartbeat.keepalive', problem: /shorter than deadtime/ },
  { name: 'YAML syntax error', edit: (t) => t.replace('vip:\n', 'vip: [\n'), field: '(YAML syntax)', problem: /./ },
  { name: 'duplicate YAML key', edit: (t) => t.replace('  memory: 512\n', '  memory: 512\n  memory: 256\n'), field: '(YAML syntax)', problem: /unique|duplicate/i },
];

describe('bad definitions are refused with file, line, field and what is allowed', () => {
  it.each(BAD)('$name', ({ edit, field, problem, allowed, at }) => {
    const text = edit(TUTORIAL);
    expect(text).not.toBe(TUTORIAL);
    const issues = issuesOf(text);
    const issue = issues.find((i) => i.field === field);
    expect(issue, `issues: ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue!.file).toBe('/labs/bad.yaml');
    expect(issue!.problem).toMatch(problem);
    if (allowed) expect(issue!.allowed).toMatch(allowed);
    if (at) expect(issue!.line).toBe(lineOf(text, at));
    expect(issue!.line).toBeGreaterThan(0);
  });

  it('formats every problem on its own line with its position', () => {
    const text = TUTORIAL.replace('provider: auto', 'provider: vmware').replace('- name: web2', '- name: web_2');
    try {
      parseLab(text, '/labs/bad.yaml');
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message.split('\n');
      expect(message[0]).toBe('/labs/bad.yaml: the lab definition has 2 problems; nothing was created.');
      expect(message[1]).toMatch(/^ {2}\/labs\/bad\.yaml:\d+:\d+: provider: "vmware" is not known \(allowed: auto, virtualbox, libvirt, netns\)$/);
      expect(message[2]).toMatch(/hosts\[3\]\.name: "web_2" is not valid/);
    }
  });

  it('refuses a file that does not exist', () => {
    expect(() => loadLab('/nonexistent/lab.yaml')).toThrow(/lab\.yaml:1:1: \(file\): cannot be read: no such file/);
  });
});
