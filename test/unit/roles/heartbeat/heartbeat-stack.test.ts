// The Heartbeat stack as the rest of hafarm sees it (lib/ha/ha-stack.ts): its settings come from
// the definition, its announcements are found in a capture, its log lines prove a takeover.
import { describe, expect, it } from 'vitest';
import { heartbeatStack } from '../../../../roles/heartbeat/heartbeat-stack.ts';
import { HA_STACKS, haStackOf, labSecretSpecs } from '../../../../roles/components.ts';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import { findHost } from '../../../../lib/lab/model.ts';
import { shapeProblems } from '../../../../lib/state/state-json.ts';
import type { Packet } from '../../../../lib/packets/pcap.ts';

const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);

function udp(src: string, dst: string, dstPort: number, time = 0): Packet {
  return {
    time,
    srcMac: '52:54:00:00:00:01',
    dstMac: 'ff:ff:ff:ff:ff:ff',
    ipv4: { src, dst, protocol: 17, ttl: 64, payload: Buffer.alloc(0) },
    udp: { srcPort: 40000, dstPort, length: 100 },
  };
}

describe('the Heartbeat stack', () => {
  it("is the one list's default, and the tutorial lab runs it", () => {
    expect(HA_STACKS).toContain(heartbeatStack);
    expect(haStackOf(lab)).toBe(heartbeatStack);
  });

  it('takes its timings and fail-back from the definition', () => {
    expect(heartbeatStack.failsBack(lab)).toBe(true);
    expect(heartbeatStack.failsBack({ ...lab, heartbeat: { ...lab.heartbeat, autoFailback: false } })).toBe(false);
    // initdead 15 + deadtime 5 + 2 keepalives of 1 s
    expect(heartbeatStack.startupSeconds(lab)).toBe(22);
    expect(heartbeatStack.logFile(lab)).toBe('/var/log/ha-log');
    expect(heartbeatStack.announcements.intervalSeconds(lab)).toBe(1);
  });

  it('says what it is in this lab, and what proves a takeover and a release, in English and Spanish', () => {
    expect(heartbeatStack.describe(lab)).toEqual({
      en: 'Heartbeat (haresources; a keepalive every 1 s, deadtime 5 s, 2 nodes)',
      es: 'Heartbeat (haresources; un keepalive cada 1 s, deadtime 5 s, 2 nodos)',
    });
    // a line of Heartbeat's log is quoted as it is in both
    expect(heartbeatStack.takeover(lab, 'haproxy1').expected).toEqual({
      en: '"haproxy1: is dead"',
      es: '"haproxy1: is dead"',
    });
    expect(heartbeatStack.release(lab, 'haproxy1').expected).toEqual({
      en: 'the standby giving the foreign resources back',
      es: 'la devolución de los recursos ajenos (foreign) por el balanceador de respaldo',
    });
  });

  it("finds a member's announcements: UDP broadcasts to its port from its heartbeat address", () => {
    const said = heartbeatStack.announcements;
    expect(said.captureFilter(lab)).toBe('udp port 694');
    expect(said.describe(lab)).toEqual({
      en: 'UDP broadcasts to 10.100.100.255:694',
      es: 'difusiones UDP a 10.100.100.255:694',
    });
    const packets = [
      udp('10.100.100.1', '10.100.100.255', 694),
      udp('10.100.100.2', '10.100.100.255', 694),
      udp('10.100.100.1', '10.100.100.255', 695),
      udp('10.100.100.1', '10.100.100.2', 694),
    ];
    expect(said.from(packets, findHost(lab, 'haproxy1'), lab)).toEqual([packets[0]]);
    expect(said.from(packets, findHost(lab, 'haproxy2'), lab)).toEqual([packets[1]]);
    // a web server is no member: it has no heartbeat address
    expect(said.from(packets, findHost(lab, 'web1'), lab)).toEqual([]);
  });

  it('counts a takeover proven only by the line that names the dead master', () => {
    const takeover = heartbeatStack.takeover(lab, 'haproxy1');
    const dead = 'heartbeat[812]: 2026/11/26_10:00:01 WARN: node haproxy1: is dead';
    const taking = 'heartbeat[812]: 2026/11/26_10:00:01 info: Taking over resource group IPaddr::192.168.1.100';
    expect(new RegExp(takeover.pattern).test(dead) && new RegExp(takeover.pattern).test(taking)).toBe(true);
    expect(takeover.proves(dead)).toBe(true);
    expect(takeover.proves(taking)).toBe(false);
    expect(takeover.proves('WARN: node haproxy2: is dead')).toBe(false);
  });

  it('declares its secret with the shape it generates, which the secrets file is checked against', () => {
    const [authkey] = labSecretSpecs();
    expect(authkey!.name).toBe('heartbeatAuthkey');
    const value = authkey!.generate();
    expect(value).toMatch(/^[0-9a-f]{48}$/);
    expect(authkey!.generate()).not.toBe(value);
    expect(shapeProblems({ heartbeatAuthkey: value }, { heartbeatAuthkey: authkey!.check })).toEqual([]);
    expect(shapeProblems({ heartbeatAuthkey: `${value}\n1 crc` }, { heartbeatAuthkey: authkey!.check })).toHaveLength(
      1,
    );
  });

  it('lists the packages its role installs', () => {
    expect(heartbeatStack.packages).toEqual(['heartbeat', 'net-tools']);
  });
});
