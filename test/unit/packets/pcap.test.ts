// Captures read back without tcpdump (lib/verify/pcap.ts) and what V7 looks for in them
// (lib/verify/wire-packets.ts; the HA stack's own announcements: lib/ha/).
import { describe, expect, it } from 'vitest';

describe('pcap files read back (V6/V7), without tcpdump on the host', () => {
  const macBytes = (mac: string) => Buffer.from(mac.split(':').map((b) => parseInt(b, 16)));
  const ipBytes = (ip: string) => Buffer.from(ip.split('.').map(Number));
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const ethernet = (src: string, type: number, payload: Buffer) =>
    Buffer.concat([macBytes('ff:ff:ff:ff:ff:ff'), macBytes(src), u16(type), payload]);
  const arp = (src: string, op: number, sender: string, target: string) =>
    ethernet(
      src,
      0x0806,
      Buffer.concat([
        u16(1),
        u16(0x0800),
        Buffer.from([6, 4]),
        u16(op),
        macBytes(src),
        ipBytes(sender),
        macBytes('00:00:00:00:00:00'),
        ipBytes(target),
      ]),
    );
  const udp = (src: string, from: string, to: string, sport: number, dport: number, length: number) => {
    const ip = Buffer.concat([Buffer.from([0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0]), ipBytes(from), ipBytes(to)]);
    return ethernet(
      src,
      0x0800,
      Buffer.concat([ip, u16(sport), u16(dport), u16(length + 8), u16(0), Buffer.alloc(length)]),
    );
  };
  function pcap(
    records: Array<[number, Buffer]>,
    options: { bigEndian?: boolean; nano?: boolean; linktype?: number } = {},
  ): Buffer {
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      if (options.bigEndian) b.writeUInt32BE(n);
      else b.writeUInt32LE(n);
      return b;
    };
    const header = Buffer.concat([
      u32(options.nano ? 0xa1b23c4d : 0xa1b2c3d4),
      Buffer.from(options.bigEndian ? [0, 2, 0, 4] : [2, 0, 4, 0]),
      u32(0),
      u32(0),
      u32(262144),
      u32(options.linktype ?? 1),
    ]);
    const body = records.map(([time, frame]) => {
      const seconds = Math.floor(time);
      const fraction = Math.round((time - seconds) * (options.nano ? 1e9 : 1e6));
      return Buffer.concat([u32(seconds), u32(fraction), u32(frame.length), u32(frame.length), frame]);
    });
    return Buffer.concat([header, ...body]);
  }
  const haproxy1 = '02:0f:0e:ba:3c:52';
  const haproxy2 = '02:d6:98:20:3e:8d';
  const records: Array<[number, Buffer]> = [
    [1795473662.291753, udp(haproxy2, '10.100.100.2', '10.100.100.255', 40335, 694, 313)],
    [1795473662.378328, udp(haproxy1, '10.100.100.1', '10.100.100.255', 39416, 694, 313)],
    [1795473663.09649, arp(haproxy2, 1, '192.168.1.102', '192.168.1.105')],
    [1795473671.995986, arp(haproxy2, 1, '192.168.1.100', '192.168.1.100')],
    [1795473672.246131, arp(haproxy2, 2, '192.168.1.100', '192.168.1.1')],
  ];

  it('decodes times, MAC addresses, ARP and UDP over IPv4, in either byte order and resolution', async () => {
    const { parsePcap } = await import('../../../lib/packets/pcap.ts');
    for (const options of [{}, { bigEndian: true }, { nano: true }]) {
      const packets = parsePcap(pcap(records, options));
      expect(packets).toHaveLength(5);
      expect(packets[0]!.time).toBeCloseTo(1795473662.291753, 5);
      expect(packets[0]).toMatchObject({
        srcMac: haproxy2,
        dstMac: 'ff:ff:ff:ff:ff:ff',
        ipv4: { src: '10.100.100.2', dst: '10.100.100.255', protocol: 17 },
        udp: { srcPort: 40335, dstPort: 694, length: 313 },
      });
      expect(packets[2]!.arp).toEqual({
        op: 'request',
        senderMac: haproxy2,
        senderIp: '192.168.1.102',
        targetIp: '192.168.1.105',
      });
      expect(packets[4]!.arp?.op).toBe('reply');
    }
  });

  it('finds heartbeats by sender, whatever their source port, and gratuitous ARP apart from ordinary ARP', async () => {
    const { parsePcap } = await import('../../../lib/packets/pcap.ts');
    const { gratuitousArps } = await import('../../../lib/packets/wire-packets.ts');
    const { heartbeatsFrom } = await import('../../../roles/heartbeat/heartbeat-packets.ts');
    const packets = parsePcap(pcap(records));
    expect(heartbeatsFrom(packets, '10.100.100.1', '10.100.100.255', 694)).toHaveLength(1);
    expect(heartbeatsFrom(packets, '10.100.100.2', '10.100.100.255', 694)[0]?.srcMac).toBe(haproxy2);
    expect(heartbeatsFrom(packets, '10.100.100.2', '10.100.100.255', 695)).toHaveLength(0);
    expect(heartbeatsFrom(packets, '10.100.100.3', '10.100.100.255', 694)).toHaveLength(0);
    const garps = gratuitousArps(packets, '192.168.1.100');
    expect(garps.map((p) => p.arp?.op)).toEqual(['request', 'reply']);
    expect(gratuitousArps(packets, '192.168.1.105')).toHaveLength(0);
  });

  it('prints packets as tcpdump does, for the evidence', async () => {
    const { describePacket, parsePcap } = await import('../../../lib/packets/pcap.ts');
    const lines = parsePcap(pcap(records)).map(describePacket);
    expect(lines[1]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} 02:0f:0e:ba:3c:52 > ff:ff:ff:ff:ff:ff, IPv4 10\.100\.100\.1\.39416 > 10\.100\.100\.255\.694: UDP, length 313$/,
    );
    expect(lines[3]).toContain('ARP, Request who-has 192.168.1.100 tell 192.168.1.100');
    expect(lines[4]).toContain(`ARP, Reply 192.168.1.100 is-at ${haproxy2}`);
  });

  it('keeps the packets before a record cut short, as a capture stopped mid-write leaves it', async () => {
    const { parsePcap } = await import('../../../lib/packets/pcap.ts');
    const whole = pcap(records);
    expect(parsePcap(whole.subarray(0, whole.length - 10))).toHaveLength(4);
    expect(parsePcap(whole.subarray(0, 24))).toHaveLength(0);
    expect(parsePcap(Buffer.alloc(0))).toHaveLength(0);
  });

  it('refuses what it cannot read, naming the file', async () => {
    const { parsePcap } = await import('../../../lib/packets/pcap.ts');
    expect(() => parsePcap(Buffer.from('not a capture at all, just some text'), 'x.pcap')).toThrow(
      /^x\.pcap: not a pcap file \(magic/,
    );
    expect(() => parsePcap(Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, ...Buffer.alloc(28)]), 'y.pcapng')).toThrow(
      /y\.pcapng: pcapng is not read here/,
    );
    expect(() => parsePcap(pcap(records, { linktype: 113 }), 'any.pcap')).toThrow(
      /link type 113 .*Ethernet captures only/,
    );
    expect(() => parsePcap(Buffer.alloc(10, 1), 'short.pcap')).toThrow(/shorter than its header/);
    const damaged = pcap(records);
    damaged.writeUInt32LE(0x7fffffff, 24 + 8);
    expect(() => parsePcap(damaged, 'bad.pcap')).toThrow(/bad\.pcap: record at byte 24 claims .* damaged/);
  });
});

describe('ARP that says where the VIP is (V8)', () => {
  it('is counted per MAC: two MACs for one address are two machines claiming it', async () => {
    const { macsClaiming } = await import('../../../lib/packets/wire-packets.ts');
    const arp = (senderMac: string, senderIp: string, op: 'request' | 'reply') => ({
      time: 0,
      srcMac: senderMac,
      dstMac: 'ff:ff:ff:ff:ff:ff',
      arp: { op, senderMac, senderIp, targetIp: '192.168.1.50' },
    });
    const packets = [
      arp('aa', '192.168.1.100', 'reply'),
      arp('bb', '192.168.1.100', 'reply'),
      arp('bb', '192.168.1.100', 'request'),
      arp('cc', '192.168.1.50', 'request'),
      { time: 0, srcMac: 'dd', dstMac: 'ee' },
    ];
    expect([...macsClaiming(packets, '192.168.1.100')]).toEqual([
      ['aa', 1],
      ['bb', 2],
    ]);
  });
});
