// What V6 and V7 say of the captures, in English (as the docs quote it) and in Spanish.
import { describe, expect, it } from 'vitest';
import { english, speaker } from '../../../../lib/said.ts';
import { chartWords, everyInterval, haWireWords, type HaWireStory } from '../../../../lib/verify/checks/ha-wire.ts';

const es = speaker('es');

/** The tutorial's run with Heartbeat: both balancers every second, haproxy2 takes over with a gratuitous ARP. */
const heartbeat: HaWireStory = {
  stack: 'Heartbeat',
  announcements: { en: 'UDP broadcasts to 10.100.100.255:694', es: 'difusiones UDP a 10.100.100.255:694' },
  everyMember: true,
  interval: 1,
  master: 'haproxy1',
  vip: '192.168.1.100',
  captures: {
    heartbeat: { file: 'report/heartbeat.pcap', source: 'hafarm-hb' },
    lan: { file: 'report/lan-arp.pcap', source: 'hafarm-lan' },
  },
  beforeSeconds: 4.2,
  members: [
    {
      name: 'haproxy1',
      address: '10.100.100.1',
      packets: 4,
      share: 1,
      first: 'PACKET 1',
      announces: true,
      spokeAsStandby: true,
    },
    { name: 'haproxy2', address: '10.100.100.2', packets: 5, share: 1, announces: true, spokeAsStandby: true },
  ],
  offSeconds: 20.04,
  masterWhileOff: 0,
  taker: 'haproxy2',
  takerPackets: 21,
  takerMac: '08:00:27:4c:a8:58',
  garp: { after: 11.984, count: 1, first: 'ARP 1' },
};

/** keepalived: only the master speaks, every 0.1 s. */
const vrrp: HaWireStory = {
  ...heartbeat,
  stack: 'keepalived',
  announcements: {
    en: 'VRRPv3 advertisements (IP protocol 112) to 224.0.0.18 for router 51',
    es: 'anuncios VRRPv3 (protocolo IP 112) a 224.0.0.18 del router virtual 51',
  },
  everyMember: false,
  interval: 0.1,
  members: [
    { name: 'haproxy1', address: '10.100.100.1', packets: 40, share: 1, announces: true, spokeAsStandby: true },
    { name: 'haproxy2', address: '10.100.100.2', packets: 0, share: 0, announces: false, spokeAsStandby: false },
  ],
  garp: { after: 0.354, count: 5, first: 'ARP 1' },
};

describe('how often a member announces itself', () => {
  it('every second, or every so many seconds', () => {
    expect(everyInterval(1, english)).toBe('every second');
    expect(everyInterval(1, es)).toBe('cada segundo');
    expect(everyInterval(0.1, english)).toBe('every 0.1 s');
    expect(everyInterval(0.1, es)).toBe('cada 0.1 s');
  });
});

describe('V6 and V7 passed', () => {
  it('says the one line the docs quote, in English', () => {
    expect(haWireWords(heartbeat, english).summary).toBe(
      'heartbeats from 10.100.100.1 and 10.100.100.2 every second; haproxy1 silent while off; haproxy2 announced 192.168.1.100 by gratuitous ARP 11.98 s after power off',
    );
    expect(haWireWords(vrrp, english).summary).toBe(
      'announcements from haproxy1 every 0.1 s; haproxy1 silent while off; haproxy2 announced 192.168.1.100 by gratuitous ARP 0.35 s after power off',
    );
  });

  it('and in Spanish', () => {
    expect(haWireWords(heartbeat, es).summary).toBe(
      'latidos de 10.100.100.1 y 10.100.100.2 cada segundo; haproxy1 en silencio mientras estaba apagado; haproxy2 anunció 192.168.1.100 por ARP gratuito 11.98 s después del apagado',
    );
    expect(haWireWords(vrrp, es).summary).toBe(
      'anuncios de haproxy1 cada 0.1 s; haproxy1 en silencio mientras estaba apagado; haproxy2 anunció 192.168.1.100 por ARP gratuito 0.35 s después del apagado',
    );
  });

  it('gives the evidence in the same order in both languages, packets quoted as they are', () => {
    expect(haWireWords(heartbeat, english).evidence).toEqual([
      'pcaps: report/heartbeat.pcap (captured on hafarm-hb), report/lan-arp.pcap (on hafarm-lan); open them in Wireshark',
      'haproxy1: UDP broadcasts to 10.100.100.255:694: 4 packets in the 4 s before power off, every second in 100% of them',
      '  PACKET 1',
      'haproxy2: UDP broadcasts to 10.100.100.255:694: 5 packets in the 4 s before power off, every second in 100% of them',
      'haproxy1 while off (20.0 s): 0 packets',
      'haproxy2 while haproxy1 was off: 21 packets',
      'gratuitous ARP for 192.168.1.100 from haproxy2 (08:00:27:4c:a8:58) 11.98 s after power off: 1 packets',
      '  ARP 1',
    ]);
    expect(haWireWords(heartbeat, es).evidence).toEqual([
      'pcaps: report/heartbeat.pcap (capturado en hafarm-hb), report/lan-arp.pcap (en hafarm-lan); ábrelos en Wireshark',
      'haproxy1: difusiones UDP a 10.100.100.255:694: 4 paquetes en los 4 s antes del apagado, cada segundo en el 100% de ellos',
      '  PACKET 1',
      'haproxy2: difusiones UDP a 10.100.100.255:694: 5 paquetes en los 4 s antes del apagado, cada segundo en el 100% de ellos',
      'haproxy1 mientras estaba apagado (20.0 s): 0 paquetes',
      'haproxy2 mientras haproxy1 estaba apagado: 21 paquetes',
      'ARP gratuito para 192.168.1.100 de haproxy2 (08:00:27:4c:a8:58) 11.98 s después del apagado: 1 paquete',
      '  ARP 1',
    ]);
  });

  it('says that only the active member speaks, for VRRP', () => {
    expect(haWireWords(vrrp, english).evidence).toContain(
      'keepalived: only the member that holds the VIP announces itself; the standbys keep quiet until it stops',
    );
    expect(haWireWords(vrrp, es).evidence).toContain(
      'keepalived: solo se anuncia el miembro que tiene la VIP; los de respaldo callan hasta que deja de hacerlo',
    );
  });
});

describe('V6 and V7 failed', () => {
  const broken: HaWireStory = {
    ...vrrp,
    members: [
      { name: 'haproxy1', address: '10.100.100.1', packets: 10, share: 0.5, announces: true, spokeAsStandby: true },
      { name: 'haproxy2', address: '10.100.100.2', packets: 3, share: 0.3, announces: false, spokeAsStandby: true },
    ],
    masterWhileOff: 2,
    takerPackets: 0,
  };
  delete (broken as Partial<HaWireStory>).garp;

  it('names every problem, joined into the summary', () => {
    const said = haWireWords(broken, english);
    expect(said.problems).toEqual([
      'V6: haproxy1 announced itself (VRRPv3 advertisements (IP protocol 112) to 224.0.0.18 for router 51) every 0.1 s in only 50% of the time before power off',
      'V6: haproxy2, a standby, announced itself while haproxy1 was active (keepalived: only the active member does)',
      'V7: haproxy1 kept sending while powered off',
      'V7: haproxy2 took the VIP but did not announce itself (VRRPv3 advertisements (IP protocol 112) to 224.0.0.18 for router 51) while haproxy1 was off',
      'V7: no gratuitous ARP for 192.168.1.100 from haproxy2 (08:00:27:4c:a8:58) while haproxy1 was off',
    ]);
    expect(said.summary).toBe(said.problems.join('; '));
  });

  it('in Spanish too', () => {
    const said = haWireWords(broken, es);
    expect(said.problems).toEqual([
      'V6: haproxy1 se anunció (anuncios VRRPv3 (protocolo IP 112) a 224.0.0.18 del router virtual 51) cada 0.1 s solo en el 50% del tiempo antes del apagado',
      'V6: haproxy2, de respaldo, se anunció mientras haproxy1 estaba activo (keepalived: solo lo hace el miembro activo)',
      'V7: haproxy1 siguió enviando mientras estaba apagado',
      'V7: haproxy2 tomó la VIP pero no se anunció (anuncios VRRPv3 (protocolo IP 112) a 224.0.0.18 del router virtual 51) mientras haproxy1 estaba apagado',
      'V7: ningún ARP gratuito para 192.168.1.100 de haproxy2 (08:00:27:4c:a8:58) mientras haproxy1 estaba apagado',
    ]);
    expect(said.evidence).toContain('haproxy1 mientras estaba apagado (20.0 s): 2 paquetes');
  });

  it('when no standby took the VIP', () => {
    const none = { ...broken, members: vrrp.members, masterWhileOff: 0 };
    delete (none as Partial<HaWireStory>).taker;
    expect(haWireWords(none, english).summary).toBe('V7: no standby took the VIP while haproxy1 was off');
    expect(haWireWords(none, es).summary).toBe(
      'V7: ningún balanceador de respaldo tomó la VIP mientras haproxy1 estaba apagado',
    );
  });
});

describe("the chart's words", () => {
  it('title, marks and the silent stretch', () => {
    expect(chartWords(heartbeat, english)).toEqual({
      title: 'UDP broadcasts to 10.100.100.255:694 per balancer',
      off: 'haproxy1 powered off',
      garp: 'gratuitous ARP from haproxy2',
      on: 'haproxy1 powered on',
      silent: 'haproxy1 silent',
    });
    expect(chartWords(heartbeat, es)).toEqual({
      title: 'difusiones UDP a 10.100.100.255:694 por balanceador',
      off: 'haproxy1 apagado',
      garp: 'ARP gratuito de haproxy2',
      on: 'haproxy1 encendido',
      silent: 'haproxy1 en silencio',
    });
  });
});
