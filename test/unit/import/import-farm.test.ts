// lab:import's definition from what the machines of a farm built by hand hold (issue 29): the
// roles, master, VIP, networks and every section read back, checked by the definition's rules.
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../lib/farm/load-lab.ts';
import { farmDefinition, ImportFailed, type ImportRequest } from '../../../lib/import/import-farm.ts';
import type { MachineHoldings } from '../../../roles/mistakes.ts';

const HA_CF = `logfile /var/log/ha-log # Fichero que almacenará los logs
debugfile /var/log/ha-debug
deadtime 5
warntime 10
initdead 15
bcast eth2
auto_failback on
node haproxy1
node haproxy2
`;
const HAPROXY_CFG = `global
\tlog /dev/log local0
defaults
\tmode http
\ttimeout connect 5000
\ttimeout client  50000
\ttimeout server  50000
listen web-cluster
    bind 192.168.1.100:80
    mode http
    stats enable
    stats auth admin:usuario # Aquí ponemos nuestro usuario y contraseña
    balance roundrobin
    option httpclose
    option forwardfor
    cookie JSESSIONID prefix
    server web1 192.168.1.103:80 cookie A check
    server web2 192.168.1.104:80 cookie B check
    server web3 192.168.1.105:80 cookie C check
`;
const HOSTS = '127.0.0.1 localhost\n192.168.1.100 trabajoswap.com\n192.168.1.101 haproxy1\n';
const page = (host: string) =>
  `<html>\n<head><title>Bienvenido a nginx!</title></head>\n<body>\n<center><h1>Bienvenido a nginx! (${host}) </h1></center>\n</body>\n</html>\n`;

/** Holdings the test can change: the maps of the contract are read-only for its readers. */
type Held = MachineHoldings & {
  files: Map<string, { content: string; mode: string }>;
  processes: Map<string, boolean>;
};

function machine(
  host: string,
  index: number,
  files: Record<string, string>,
  interfaces: Record<string, string[]>,
): Held {
  return {
    host,
    nodeName: host,
    interfaces: new Map(Object.entries({ eth0: [`10.0.2.${15 + index}/24`], ...interfaces })),
    files: new Map(Object.entries(files).map(([path, content]) => [path, { content, mode: '644' }])),
    sysctls: new Map(),
    processes: new Map([['nginx', host.startsWith('web')]]),
  };
}

function tutorialFarm(): Map<string, Held> {
  const balancer = (host: string, i: number, extra: string[] = []) =>
    machine(
      host,
      i,
      {
        '/etc/ha.d/ha.cf': HA_CF,
        '/etc/ha.d/haresources': 'haproxy1 IPaddr::192.168.1.100/24/eth1\n',
        '/etc/haproxy/haproxy.cfg': HAPROXY_CFG,
        '/etc/hosts': HOSTS,
      },
      { eth1: [`192.168.1.10${i + 1}/24`, ...extra], eth2: [`10.100.100.${i + 1}/24`] },
    );
  return new Map([
    ['haproxy1', balancer('haproxy1', 0, ['192.168.1.100/24'])],
    ['haproxy2', balancer('haproxy2', 1)],
    ...['web1', 'web2', 'web3'].map(
      (host, i) =>
        [
          host,
          machine(
            host,
            i + 2,
            { '/var/www/html/index.html': page(host), '/etc/hosts': HOSTS },
            { eth1: [`192.168.1.10${i + 3}/24`] },
          ),
        ] as const,
    ),
  ]);
}

const request: ImportRequest = {
  name: 'ana',
  machines: ['haproxy1', 'haproxy2', 'web1', 'web2', 'web3'].map((name, i) => ({
    name,
    user: 'alumno',
    host: `192.168.56.${11 + i}`,
    port: 22,
  })),
  key: { given: '~/.ssh/id_ed25519', path: '/home/ana/.ssh/id_ed25519' },
  become: 'sudo',
};

describe('the definition lab:import writes', () => {
  it("is the tutorial's farm, read from the machines, and the definition's rules accept it", () => {
    const { text, notes } = farmDefinition(request, tutorialFarm());
    const lab = parseLab(text, '/home/ana/farm.yaml');
    expect(lab.provider).toBe('existing');
    expect(lab.hosts.map((h) => [h.name, h.role, h.lan, h.heartbeat])).toEqual([
      ['haproxy1', 'master', '192.168.1.101', '10.100.100.1'],
      ['haproxy2', 'backup', '192.168.1.102', '10.100.100.2'],
      ['web1', 'web', '192.168.1.103', undefined],
      ['web2', 'web', '192.168.1.104', undefined],
      ['web3', 'web', '192.168.1.105', undefined],
    ]);
    expect(lab.vip).toEqual({ address: '192.168.1.100', name: 'trabajoswap.com' });
    expect(lab.networks.lan.interface).toBe('eth1');
    expect(lab.networks.heartbeat.interface).toBe('eth2');
    expect(lab.heartbeat).toMatchObject({
      deadtime: 5,
      warntime: 10,
      initdead: 15,
      autoFailback: true,
      logfile: '/var/log/ha-log',
    });
    expect(lab.haproxy).toMatchObject({
      listen: 'web-cluster',
      port: 80,
      balance: 'roundrobin',
      options: ['httpclose', 'forwardfor'],
      cookie: { name: 'JSESSIONID', mode: 'prefix' },
      stats: { uri: '/haproxy?stats', user: 'admin' },
      timeouts: { connect: '5000', client: '50000', server: '50000' },
    });
    expect(lab.nginx.page).toBe('Bienvenido a nginx! ({host})');
    expect(lab.existing.web2?.ssh).toEqual({
      host: '192.168.56.14',
      port: 22,
      user: 'alumno',
      key: '~/.ssh/id_ed25519',
      become: 'sudo',
    });
    // what it could not read is said: the gateway, and ha.cf's keepalive the tutorial leaves out
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^networks\.lan\.gateway: not read/),
        expect.stringMatching(/^heartbeat\.keepalive: not in ha\.cf; the tutorial's 1 kept/),
      ]),
    );
  });

  it('writes what a machine answers as quoted data: a hostile page or site name stays a value', () => {
    const farm = tutorialFarm();
    for (const host of ['web1', 'web2', 'web3'])
      farm
        .get(host)!
        .files.set('/var/www/html/index.html', { content: page(`${host}" }\nprovider: netns\n#`), mode: '644' });
    farm.get('haproxy1')!.files.set('/etc/hosts', { content: '192.168.1.100 "evil\n', mode: '644' });
    const { text, notes } = farmDefinition(request, farm);
    expect(text).not.toMatch(/^provider: netns/m);
    const lab = parseLab(text, '/home/ana/farm.yaml');
    expect(lab.provider).toBe('existing');
    expect(lab.vip.name).toBe('trabajoswap.com');
    expect(notes.some((n) => n.startsWith('vip.name:'))).toBe(true);
  });

  it('refuses a farm it cannot read, saying every reason, writing nothing', () => {
    const farm = tutorialFarm();
    farm.get('haproxy1')!.files.delete('/etc/ha.d/haresources');
    farm.get('haproxy2')!.files.delete('/etc/ha.d/haresources');
    farm.get('web3')!.files.clear();
    farm.get('web3')!.processes.set('nginx', false);
    expect(() => farmDefinition(request, farm)).toThrow(ImportFailed);
    expect(() => farmDefinition(request, farm)).toThrow(
      /web3 holds neither .*\n {2}no balancer says who holds the VIP: haproxy1 has no \/etc\/ha\.d\/haresources \(T7\); haproxy2 has no/,
    );
  });
});
