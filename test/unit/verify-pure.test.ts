// The verification's pure parts: reading curl's answers, HAProxy's stats CSV, and outages.
import { describe, expect, it } from 'vitest';
import { parseStatsCsv } from '../../lib/verify/haproxy-stats.ts';
import { parseHttpAnswer } from '../../lib/verify/transport/lan-client.ts';
import { outageOf } from '../../lib/verify/steady-load.ts';

describe('HTTP answers', () => {
  it('reads status, headers and body of the last response curl printed', () => {
    const raw = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=B~abc\r\nContent-Type: text/html\r\nset-cookie: JSESSIONID=B; path=/\r\n\r\n<h1>Bienvenido a nginx! (web2)</h1>\n\nmore';
    const answer = parseHttpAnswer(raw);
    expect(answer?.status).toBe(200);
    expect(answer?.headers['content-type']).toBe('text/html');
    // Two cookies of one name (the server's and HAProxy's): both kept, in order.
    expect(answer?.setCookies).toEqual(['JSESSIONID=B~abc', 'JSESSIONID=B; path=/']);
    expect(answer?.body).toBe('<h1>Bienvenido a nginx! (web2)</h1>\n\nmore');
    expect(parseHttpAnswer('')).toBeUndefined();
    expect(parseHttpAnswer('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="HAProxy Statistics"\r\n\r\n')?.status).toBe(401);
  });
});

describe('HAProxy stats CSV', () => {
  it('keys each row by the header', () => {
    const csv = '# pxname,svname,qcur,status,check_status\nweb-cluster,FRONTEND,,OPEN,\nweb-cluster,web1,0,UP,L4OK\nweb-cluster,web2,0,DOWN,L4TOUT\n';
    const rows = parseStatsCsv(csv);
    expect(rows.find((r) => r.svname === 'web2')).toMatchObject({ pxname: 'web-cluster', status: 'DOWN', check_status: 'L4TOUT' });
    expect(rows).toHaveLength(3);
  });
});

describe('outages', () => {
  it('measure from the first failed request to the next good one', () => {
    const samples = [
      { at: 0, took: 0.01, ok: true },
      { at: 0.1, took: 0.5, ok: false },
      { at: 0.2, took: 0.5, ok: false },
      { at: 5.3, took: 0.01, ok: true },
      { at: 5.4, took: 0.01, ok: true },
    ];
    expect(outageOf(samples)).toEqual({ seconds: 5.2, failed: 2, total: 5 });
    expect(outageOf([{ at: 0, took: 0.01, ok: true }])).toEqual({ seconds: 0, failed: 0, total: 1 });
  });
});

describe('HAProxy times', () => {
  it('reads the units HAProxy accepts', async () => {
    const { haproxyMs } = await import('../../lib/verify/steady-load.ts');
    expect(haproxyMs('5s')).toBe(5000);
    expect(haproxyMs('500ms')).toBe(500);
    expect(haproxyMs('1m')).toBe(60_000);
    expect(haproxyMs('250')).toBe(250);
    expect(() => haproxyMs('5 s')).toThrow(/not an HAProxy time/);
  });
});

describe('pcap files read back (V6/V7), without tcpdump on the host', () => {
  const macBytes = (mac: string) => Buffer.from(mac.split(':').map((b) => parseInt(b, 16)));
  const ipBytes = (ip: string) => Buffer.from(ip.split('.').map(Number));
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const ethernet = (src: string, type: number, payload: Buffer) => Buffer.concat([macBytes('ff:ff:ff:ff:ff:ff'), macBytes(src), u16(type), payload]);
  const arp = (src: string, op: number, sender: string, target: string) =>
    ethernet(src, 0x0806, Buffer.concat([u16(1), u16(0x0800), Buffer.from([6, 4]), u16(op), macBytes(src), ipBytes(sender), macBytes('00:00:00:00:00:00'), ipBytes(target)]));
  const udp = (src: string, from: string, to: string, sport: number, dport: number, length: number) => {
    const ip = Buffer.concat([Buffer.from([0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0]), ipBytes(from), ipBytes(to)]);
    return ethernet(src, 0x0800, Buffer.concat([ip, u16(sport), u16(dport), u16(length + 8), u16(0), Buffer.alloc(length)]));
  };
  function pcap(records: Array<[number, Buffer]>, options: { bigEndian?: boolean; nano?: boolean; linktype?: number } = {}): Buffer {
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      if (options.bigEndian) b.writeUInt32BE(n);
      else b.writeUInt32LE(n);
      return b;
    };
    const header = Buffer.concat([u32(options.nano ? 0xa1b23c4d : 0xa1b2c3d4), Buffer.from(options.bigEndian ? [0, 2, 0, 4] : [2, 0, 4, 0]), u32(0), u32(0), u32(262144), u32(options.linktype ?? 1)]);
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
    const { parsePcap } = await import('../../lib/verify/pcap.ts');
    for (const options of [{}, { bigEndian: true }, { nano: true }]) {
      const packets = parsePcap(pcap(records, options));
      expect(packets).toHaveLength(5);
      expect(packets[0]!.time).toBeCloseTo(1795473662.291753, 5);
      expect(packets[0]).toMatchObject({ srcMac: haproxy2, dstMac: 'ff:ff:ff:ff:ff:ff', ipv4: { src: '10.100.100.2', dst: '10.100.100.255', protocol: 17 }, udp: { srcPort: 40335, dstPort: 694, length: 313 } });
      expect(packets[2]!.arp).toEqual({ op: 'request', senderMac: haproxy2, senderIp: '192.168.1.102', targetIp: '192.168.1.105' });
      expect(packets[4]!.arp?.op).toBe('reply');
    }
  });

  it('finds heartbeats by sender, whatever their source port, and gratuitous ARP apart from ordinary ARP', async () => {
    const { parsePcap } = await import('../../lib/verify/pcap.ts');
    const { gratuitousArps } = await import('../../lib/verify/wire-packets.ts');
    const { heartbeatsFrom } = await import('../../lib/ha/heartbeat/heartbeat-packets.ts');
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
    const { describePacket, parsePcap } = await import('../../lib/verify/pcap.ts');
    const lines = parsePcap(pcap(records)).map(describePacket);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} 02:0f:0e:ba:3c:52 > ff:ff:ff:ff:ff:ff, IPv4 10\.100\.100\.1\.39416 > 10\.100\.100\.255\.694: UDP, length 313$/);
    expect(lines[3]).toContain('ARP, Request who-has 192.168.1.100 tell 192.168.1.100');
    expect(lines[4]).toContain(`ARP, Reply 192.168.1.100 is-at ${haproxy2}`);
  });

  it('keeps the packets before a record cut short, as a capture stopped mid-write leaves it', async () => {
    const { parsePcap } = await import('../../lib/verify/pcap.ts');
    const whole = pcap(records);
    expect(parsePcap(whole.subarray(0, whole.length - 10))).toHaveLength(4);
    expect(parsePcap(whole.subarray(0, 24))).toHaveLength(0);
    expect(parsePcap(Buffer.alloc(0))).toHaveLength(0);
  });

  it('refuses what it cannot read, naming the file', async () => {
    const { parsePcap } = await import('../../lib/verify/pcap.ts');
    expect(() => parsePcap(Buffer.from('not a capture at all, just some text'), 'x.pcap')).toThrow(/^x\.pcap: not a pcap file \(magic/);
    expect(() => parsePcap(Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, ...Buffer.alloc(28)]), 'y.pcapng')).toThrow(/y\.pcapng: pcapng is not read here/);
    expect(() => parsePcap(pcap(records, { linktype: 113 }), 'any.pcap')).toThrow(/link type 113 .*Ethernet captures only/);
    expect(() => parsePcap(Buffer.alloc(10, 1), 'short.pcap')).toThrow(/shorter than its header/);
    const damaged = pcap(records);
    damaged.writeUInt32LE(0x7fffffff, 24 + 8);
    expect(() => parsePcap(damaged, 'bad.pcap')).toThrow(/bad\.pcap: record at byte 24 claims .* damaged/);
  });
});

describe('the LAN client on the Vagrant providers', () => {
  it('is a web server that every check leaves on: never a balancer nor the one V3 powers off', async () => {
    const { clientMachine, captureMachine } = await import('../../lib/verify/vantage.ts');
    const { loadLab } = await import('../../lib/lab/load.ts');
    const lab = loadLab('lab.yaml');
    expect(clientMachine(lab)).toEqual({ host: 'web3' });
    expect(clientMachine(lab, 'web1')).toEqual({ host: 'web1' });
    expect(clientMachine(lab, 'web2')).toEqual({ problem: 'web2 is the web server V3 powers off' });
    expect(clientMachine(lab, 'haproxy2')).toMatchObject({ problem: expect.stringMatching(/^haproxy2 is a balancer/) });
    expect(clientMachine(lab, 'web9')).toMatchObject({ problem: expect.stringMatching(/^no host named "web9" in .*lab\.yaml \(hosts: haproxy1, haproxy2, web1, web2, web3\)/) });
    expect(captureMachine(lab, 'lan', 'web3')).toBe('web3');
    expect(captureMachine(lab, 'heartbeat', 'web3')).toBe('haproxy2');
    const twoWeb = { ...lab, hosts: lab.hosts.filter((h) => h.name !== 'web3') };
    expect(clientMachine(twoWeb)).toEqual({ host: 'web1' });
    const oneWeb = { ...lab, hosts: lab.hosts.filter((h) => h.name !== 'web3' && h.name !== 'web2') };
    expect(clientMachine(oneWeb)).toMatchObject({ problem: expect.stringMatching(/web1, the only one, is the one V3 powers off/) });
  });

  it('is the client namespace on the namespace provider unless --from names a machine', async () => {
    const { chooseVantage } = await import('../../lib/verify/vantage.ts');
    const { loadLab } = await import('../../lib/lab/load.ts');
    const { NetnsProvider } = await import('../../lib/providers/netns/netns-provider.ts');
    const { VagrantProvider } = await import('../../lib/providers/vagrant/vagrant-provider.ts');
    const { LabStateDir } = await import('../../lib/state/lab-state.ts');
    const { KnownHosts } = await import('../../lib/engine/ssh/known-hosts.ts');
    const lab = loadLab('lab.yaml');
    const state = new LabStateDir('/nonexistent/state');
    const known = new KnownHosts('/nonexistent/known_hosts');
    const describe = (v: ReturnType<typeof chooseVantage>) => ('problem' in v ? v.problem : v.describe);
    expect(describe(chooseVantage(lab, new NetnsProvider(lab, state), known, '/r'))).toMatch(/^requests from the client namespace hf-swap-client, captures on the host's bridges$/);
    expect(describe(chooseVantage(lab, new NetnsProvider(lab, state), known, '/r', 'web1'))).toBe('requests from web1, captures inside web1 (LAN) and haproxy2 (heartbeat network)');
    expect(describe(chooseVantage(lab, new VagrantProvider('virtualbox', lab, state), known, '/r'))).toBe('requests from web3, captures inside web3 (LAN) and haproxy2 (heartbeat network)');
    expect(describe(chooseVantage(lab, new VagrantProvider('libvirt', lab, state), known, '/r', 'haproxy1'))).toMatch(/^haproxy1 is a balancer/);
  });
});

describe('report', () => {
  it('draws each request as a bar from sent to answered, coloured by outcome, with the events marked', async () => {
    const { timelineSvg } = await import('../../lib/verify/report/svg-timeline.ts');
    const svg = timelineSvg('V4 master balancer fails', {
      samples: [
        { at: 0, took: 0.01, ok: true, server: 'web1' },
        { at: 1, took: 0.5, ok: false },
        { at: 2, took: 5, ok: true, server: 'web3' },
      ],
      events: [
        { at: 0.9, label: 'haproxy1 powered off' },
        { at: 6.74, label: 'haproxy2 serves' },
      ],
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('3 requests, 1 failed');
    expect(svg.match(/fill="#2e9d4f"/g)).toHaveLength(1);
    expect(svg.match(/fill="#d23c3c"/g)).toHaveLength(1);
    expect(svg.match(/fill="#e0a020"/g)).toHaveLength(1);
    expect(svg).toContain('haproxy1 powered off (0.9 s)');
    expect(svg).toContain('haproxy2 serves (+5.8 s)');
    expect(svg).toContain('answered by web3 in 5.00 s');
  });

  it('writes index.html and summary.md with every verdict', async () => {
    const { reportHtml, summaryMarkdown } = await import('../../lib/verify/report/write-report.ts');
    const { loadLab } = await import('../../lib/lab/load.ts');
    const lab = loadLab(new URL('../../lab.yaml', import.meta.url).pathname);
    const results = [
      { id: 'V1', title: 'round robin', passed: true, summary: '9 requests in turn', evidence: ['answers: web1 web2 web3'] },
      { id: 'V4', title: 'master balancer fails', passed: false, summary: 'no standby <took> it', evidence: [], timeline: { samples: [], events: [] } },
    ];
    const vantage = 'requests from web3, captures inside web3 (LAN) and haproxy2 (heartbeat network)';
    const html = reportHtml(lab, results, { when: new Date(0), vantage, pcaps: ['heartbeat.pcap'], notes: [] });
    expect(html).toContain('1 passed, 1 failed');
    expect(html).toContain(`(trabajoswap.com); ${vantage}.</p>`);
    expect(html).toContain('no standby &lt;took&gt; it');
    expect(html).toContain('<img src="timeline-V4.svg"');
    expect(html).toContain('<a href="heartbeat.pcap">');
    const md = summaryMarkdown(lab, results, { when: new Date(0), vantage, pcaps: [], notes: [] });
    expect(md).toContain(`1970-01-01T00:00:00.000Z — 1 passed, 1 failed; ${vantage}.`);
    expect(md).not.toContain('## Captures');
    expect(md).toContain('| V1 round robin | PASS | 9 requests in turn |');
    expect(md).toContain('| V4 master balancer fails | FAIL |');
  });
});

describe('a power operation on the timeline', () => {
  it('is marked when the command returned, and says how long the command took when that was long (Vagrant)', async () => {
    const { markPower } = await import('../../lib/verify/steady-load.ts');
    let clock = 10;
    const load = { now: () => clock };
    const quick = await markPower(load, 'web2 powered off', async () => void (clock += 0.05));
    expect(quick).toMatchObject({ at: 10.05, label: 'web2 powered off' });
    const slow = await markPower(load, 'haproxy1 powered on', async () => void (clock += 92.4));
    expect(slow.at).toBeCloseTo(102.45);
    expect(slow.label).toBe('haproxy1 powered on (the command took 92.4 s)');
  });
});
