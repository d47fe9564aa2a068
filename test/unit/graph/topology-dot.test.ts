// The lab's graph drawn from the definition (issue 17, part 4): every machine and every network
// with its CIDR and interface, more nodes for a bigger farm, the VIP tied to its holder, and no
// value of the definition in the DOT unescaped.
import { describe, expect, it } from 'vitest';
import { topologyDot } from '../../../lib/graph/topology-dot.ts';
import { NOT_UP } from '../../../lib/graph/vip-holding.ts';
import { formatCidr } from '../../../lib/lab/ipv4.ts';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { balancers, webServers, type Lab } from '../../../lib/lab/model.ts';
import { FOUR_WEB_LAB, KEEPALIVED_THREE_LAB, TUTORIAL_LAB } from '../../helpers/cli.ts';
import { speaker } from '../../../lib/said.ts';

const count = (text: string, pattern: RegExp): number =>
  text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;
const hostNodes = (dot: string): number => count(dot, /^ {2}host_\d+ \[/m);
const edgesTo = (dot: string, node: string): number =>
  count(dot, new RegExp(`^ {2}(host_\\d+ -- ${node}|${node} -- host_\\d+) `, 'm'));

describe('topologyDot', () => {
  for (const file of [TUTORIAL_LAB, FOUR_WEB_LAB, KEEPALIVED_THREE_LAB]) {
    const lab = loadLab(file);
    const dot = topologyDot(lab, { provider: 'netns', holding: NOT_UP });

    it(`${file.split('/').pop()}: every host with its role and addresses, every network with its CIDR and interface`, () => {
      for (const host of lab.hosts) {
        expect(dot).toContain(`<b>${host.name}</b>`);
        expect(dot).toContain(`${lab.networks.lan.interface} ${host.lan}`);
        if (host.heartbeat) expect(dot).toContain(`${lab.networks.heartbeat.interface} ${host.heartbeat}`);
      }
      expect(dot).toContain(`<b>LAN ${formatCidr(lab.networks.lan.cidr)}</b>`);
      expect(dot).toContain(`${lab.networks.lan.interface} on every machine`);
      expect(dot).toContain(`<b>heartbeat network ${formatCidr(lab.networks.heartbeat.cidr)}</b>`);
      expect(dot).toContain(`${lab.networks.heartbeat.interface} on the balancers only`);
      expect(dot).toContain('<b>NAT / management (eth0)</b>');
      expect(dot).toContain(`<b>VIP ${lab.vip.address}</b>`);
    });

    it(`${file.split('/').pop()}: a node per host and an edge per link: LAN and management for all, heartbeat for the balancers`, () => {
      expect(hostNodes(dot)).toBe(lab.hosts.length);
      expect(edgesTo(dot, 'net_lan')).toBe(lab.hosts.length);
      expect(edgesTo(dot, 'net_mgmt')).toBe(lab.hosts.length);
      expect(edgesTo(dot, 'net_hb')).toBe(balancers(lab).length);
      // Not known who holds the VIP: a dashed line to every balancer.
      expect(count(dot, /^ {2}host_\d+ -- vip \[.*style="dashed"/m)).toBe(balancers(lab).length);
      expect(dot).toContain('VIP holder: unknown (lab not up)');
    });
  }

  it('grows with the farm: 4 web servers and 3 balancers give more nodes than the tutorial', () => {
    const nodes = (file: string) => {
      const lab = loadLab(file);
      return { lab, dot: topologyDot(lab, { provider: 'auto', holding: NOT_UP }) };
    };
    const tutorial = nodes(TUTORIAL_LAB);
    const four = nodes(FOUR_WEB_LAB);
    const three = nodes(KEEPALIVED_THREE_LAB);
    expect(webServers(four.lab)).toHaveLength(4);
    expect(balancers(three.lab)).toHaveLength(3);
    expect(hostNodes(four.dot)).toBeGreaterThan(hostNodes(tutorial.dot));
    expect(hostNodes(three.dot)).toBeGreaterThan(hostNodes(tutorial.dot));
    expect(edgesTo(three.dot, 'net_hb')).toBe(3);
    expect(three.dot).toContain('HAProxy, keepalived');
  });

  it('ties the VIP to the balancer that holds it, solid, and to no other', () => {
    const lab = loadLab(KEEPALIVED_THREE_LAB);
    const dot = topologyDot(lab, { provider: 'netns', holding: { holders: ['haproxy2'] } });
    const vipEdges = dot.split('\n').filter((l) => /^ {2}host_\d+ -- vip /.test(l));
    expect(vipEdges).toHaveLength(1);
    expect(vipEdges[0]).toMatch(/^ {2}host_1 -- vip \[.*penwidth="2.5"/);
    expect(dot).toContain('VIP holder: haproxy2');
    expect(dot).toContain('holds the VIP');
  });

  it('names the management network of the provider', () => {
    const lab = loadLab(TUTORIAL_LAB);
    expect(topologyDot(lab, { provider: 'netns', holding: NOT_UP })).toContain('netns: bridge hswap-mg');
    expect(topologyDot(lab, { provider: 'virtualbox', holding: NOT_UP })).toContain('VirtualBox&#39;s NAT');
    expect(topologyDot(lab, { provider: 'libvirt', holding: NOT_UP })).toContain('vagrant-libvirt');
    const auto = topologyDot(lab, { provider: 'auto', holding: NOT_UP });
    for (const word of ['netns:', 'virtualbox:', 'libvirt:']) expect(auto).toContain(word);
  });

  it('says when the LAN is also a path of the HA stack', () => {
    const lab = loadLab(TUTORIAL_LAB);
    expect(
      topologyDot({ ...lab, ha: { ...lab.ha, paths: ['heartbeat', 'lan'] } }, { provider: 'netns', holding: NOT_UP }),
    ).toContain('also a path of Heartbeat (ha.paths)');
    expect(topologyDot(lab, { provider: 'netns', holding: NOT_UP })).not.toContain('ha.paths');
  });

  it('escapes every value of the definition: none can open a tag, end a label or a string', () => {
    const lab = loadLab(TUTORIAL_LAB);
    const hostile: Lab = {
      ...lab,
      name: 'x"y\\',
      vip: { ...lab.vip, name: '</td></tr></table>> ]; evil [label="' },
      hosts: lab.hosts.map((h, i) => (i === 0 ? { ...h, name: `a<b>"c'&\\N\n` } : h)),
      networks: { ...lab.networks, lan: { ...lab.networks.lan, interface: 'e<i>' } },
    };
    const dot = topologyDot(hostile, { provider: 'netns', holding: { holders: [`a<b>"c'&\\N\n`] } });
    for (const raw of ['x"y', '</td></tr></table>> ]', 'evil [label="', 'a<b>', 'e<i>', '\n\n'])
      expect(dot).not.toContain(raw);
    expect(dot).toContain('x&quot;y\\\\');
    expect(dot).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&gt; ]; evil [label=&quot;');
    // A backslash doubled: Graphviz would read \N as the node's ID.
    expect(dot).toContain('a&lt;b&gt;&quot;c&#39;&amp;\\\\N\uFFFD');
    expect(dot).toContain('e&lt;i&gt; 192.168.1.101');
    // Every line of the graph is one statement: nothing the definition said broke one in two.
    expect(
      dot
        .split('\n')
        .filter((l) => l.startsWith('  ') && !/^ {2}(\{ rank=same; .*\}|\w+ \[.*\];|\w+ -- \w+ \[.*\];)$/.test(l)),
    ).toEqual([]);
  });

  it("speaks the report's language: Spanish words around the definition's values", () => {
    const lab = loadLab(TUTORIAL_LAB);
    const dot = topologyDot(lab, { provider: 'netns', holding: { holders: ['haproxy1'] }, say: speaker('es') });
    expect(dot).toContain('laboratorio &quot;swap&quot;: 2 balanceadores, 3 servidores web');
    expect(dot).toContain('Pila de alta disponibilidad: Heartbeat (haresources; un keepalive cada 1 s');
    expect(dot).toContain('red de latidos 10.100.100.0/24');
    expect(dot).toContain('balanceador, maestro (HAProxy, Heartbeat)');
    expect(dot).toContain('servidor web (nginx)');
    expect(dot).toContain('tiene la VIP');
    expect(dot).toContain('titular de la VIP: haproxy1');
    expect(dot).toContain('NAT / gestión');
    expect(dot).toMatch(/netns: puente hswap-mg/);
    expect(dot).not.toMatch(/balancers|web servers|heartbeat network|holds the VIP|on every machine/);
  });
});
