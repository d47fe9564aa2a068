// T3's mistakes in the addresses the machines hold: each machine its LAN address with the LAN's
// prefix, each balancer its heartbeat address; one missing or with another prefix is found on its
// machine, with the stanza of /etc/network/interfaces that gives it.
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import type { Finding, MachineHoldings } from '../../../../roles/mistakes.ts';
import { networkComponent } from '../../../../roles/network/network-component.ts';
import { networkMistakes } from '../../../../roles/network/network-mistakes.ts';

const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);

function machine(name: string, interfaces: Record<string, string[]>): MachineHoldings {
  return {
    host: name,
    nodeName: name,
    interfaces: new Map(Object.entries(interfaces)),
    files: new Map(),
    sysctls: new Map(),
    processes: new Map(),
  };
}

/** T1's table: eth0 NAT, eth1 the LAN, eth2 the heartbeat network on the balancers. */
function farm(edits: Record<string, Record<string, string[]>> = {}): Map<string, MachineHoldings> {
  return new Map(
    lab.hosts.map((h) => [
      h.name,
      machine(
        h.name,
        edits[h.name] ?? {
          lo: ['127.0.0.1/8'],
          eth0: ['10.0.2.15/24'],
          eth1: [`${h.lan}/24`],
          ...(h.heartbeat ? { eth2: [`${h.heartbeat}/24`] } : {}),
        },
      ),
    ]),
  );
}

function only(findings: Finding[], host: string): Finding {
  expect(findings.map((f) => [f.step, f.host])).toEqual([['T3', host]]);
  const f = findings[0]!;
  for (const said of [f.wrong, f.fix]) {
    expect(said.en.length).toBeGreaterThan(10);
    expect(said.es.length).toBeGreaterThan(10);
    expect(said.es).not.toBe(said.en);
  }
  return f;
}

describe("the network's mistakes", () => {
  it('is what the network component finds, from the addresses alone', () => {
    expect(networkComponent.mistakes).toBe(networkMistakes);
    expect(networkMistakes.files(lab)).toEqual([]);
  });

  it("finds nothing in T1's table, the VIP beside the master's address included", () => {
    const holdings = farm();
    holdings.set(
      'haproxy1',
      machine('haproxy1', { eth1: ['192.168.1.101/24', '192.168.1.100/24'], eth2: ['10.100.100.1/24'] }),
    );
    expect(networkMistakes.find(lab, holdings)).toEqual([]);
  });

  it('finds a web server without its LAN address, with the stanza that gives it', () => {
    const f = only(
      networkMistakes.find(lab, farm({ web2: { lo: ['127.0.0.1/8'], eth0: ['10.0.2.15/24'], eth1: [] } })),
      'web2',
    );
    expect(f.wrong.en).toBe(
      'ip addr shows 192.168.1.104/24, the LAN address of web2, on no interface (lo 127.0.0.1/8, eth0 10.0.2.15/24, eth1 –)',
    );
    expect(f.fix.en).toBe(
      'write `auto eth1`, `iface eth1 inet static`, `address 192.168.1.104`, `netmask 255.255.255.0` in /etc/network/interfaces on web2, then `ifup eth1` (or service networking restart)',
    );
  });

  it('finds a LAN address with another prefix', () => {
    const f = only(
      networkMistakes.find(lab, farm({ web1: { eth0: ['10.0.2.15/24'], eth1: ['192.168.1.103/16'] } })),
      'web1',
    );
    expect(f.wrong.en).toContain('ip addr shows 192.168.1.103/16 on eth1: the LAN address of web1 is 192.168.1.103/24');
  });

  it('finds a balancer without its heartbeat address, naming the interface the tutorial gives it', () => {
    const f = only(
      networkMistakes.find(
        lab,
        farm({ haproxy2: { enp0s3: ['10.0.2.15/24'], enp0s8: ['192.168.1.102/24'], enp0s9: [] } }),
      ),
      'haproxy2',
    );
    expect(f.wrong.en).toContain('10.100.100.2/24, the heartbeat network address of haproxy2, on no interface');
    expect(f.fix.en).toContain('(the interface on the heartbeat network: eth2 in the tutorial)');
    expect(f.wrong.es).toContain('la dirección de la red de heartbeat de tu haproxy2');
  });

  it('never throws, whatever the interfaces hold, and quotes no control character', () => {
    const odd = {
      '\u001b[2Jeth1': ['\u0000', '192.168.1.103/', '/24', 'x'.repeat(10_000)],
      ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`veth${i}`, ['192.168.1.103']])),
    };
    const findings = networkMistakes.find(lab, farm(Object.fromEntries(lab.hosts.map((h) => [h.name, odd]))));
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings)
      for (const s of [f.wrong.en, f.wrong.es, f.fix.en, f.fix.es]) {
        expect(s).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(s.length).toBeLessThan(3000);
      }
  });
});
