// The verification's pure parts: reading curl's answers, HAProxy's stats CSV, and outages.
import { describe, expect, it } from 'vitest';
import { parseStatsCsv } from '../../lib/verify/checks/stats-page.ts';
import { parseHttpAnswer } from '../../lib/verify/lan-client.ts';
import { outageOf, servedBy } from '../../lib/verify/steady-load.ts';

describe('HTTP answers', () => {
  it('reads status, headers and body of the last response curl printed', () => {
    const raw = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=B~abc\r\nContent-Type: text/html\r\n\r\n<h1>Bienvenido a nginx! (web2)</h1>\n\nmore';
    const answer = parseHttpAnswer(raw);
    expect(answer?.status).toBe(200);
    expect(answer?.headers['set-cookie']).toBe('JSESSIONID=B~abc');
    expect(answer?.body).toBe('<h1>Bienvenido a nginx! (web2)</h1>\n\nmore');
    expect(servedBy(answer!.body)).toBe('web2');
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

describe('captures read back', () => {
  const lines = [
    '1795473662.291753 02:0a:c7:09:05:91 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), length 355: 10.100.100.2.40335 > 10.100.100.255.694: UDP, length 313',
    '1795473662.378328 02:0f:0e:ba:3c:52 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), length 355: 10.100.100.1.39416 > 10.100.100.255.694: UDP, length 313',
    '1795473663.096490 02:d6:98:20:3e:8d > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.1.105 tell 192.168.1.102, length 28',
    '1795473671.995986 02:d6:98:20:3e:8d > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.168.1.100 tell 192.168.1.100, length 28',
    '1795473672.246131 02:d6:98:20:3e:8d > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Reply 192.168.1.100 is-at 02:d6:98:20:3e:8d, length 28',
  ].map((line) => ({ time: Number(line.split(' ')[0]), line }));

  it('finds heartbeats by sender, whatever their source port', async () => {
    const { heartbeatsFrom } = await import('../../lib/verify/capture.ts');
    expect(heartbeatsFrom(lines, '10.100.100.1', '10.100.100.255', 694)).toHaveLength(1);
    expect(heartbeatsFrom(lines, '10.100.100.2', '10.100.100.255', 694)[0]?.time).toBe(1795473662.291753);
    expect(heartbeatsFrom(lines, '10.100.100.3', '10.100.100.255', 694)).toHaveLength(0);
  });

  it('tells gratuitous ARP from ordinary ARP, with the sender MAC', async () => {
    const { gratuitousArps, senderMac } = await import('../../lib/verify/capture.ts');
    const garps = gratuitousArps(lines, '192.168.1.100');
    expect(garps).toHaveLength(2);
    expect(senderMac(garps[0]!)).toBe('02:d6:98:20:3e:8d');
    expect(gratuitousArps(lines, '192.168.1.105')).toHaveLength(0);
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
      events: [{ at: 0.9, label: 'haproxy1 powered off' }],
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('3 requests, 1 failed');
    expect(svg.match(/fill="#2e9d4f"/g)).toHaveLength(1);
    expect(svg.match(/fill="#d23c3c"/g)).toHaveLength(1);
    expect(svg.match(/fill="#e0a020"/g)).toHaveLength(1);
    expect(svg).toContain('haproxy1 powered off (0.9 s)');
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
    const html = reportHtml(lab, results, new Date(0), ['heartbeat.pcap']);
    expect(html).toContain('1 passed, 1 failed');
    expect(html).toContain('no standby &lt;took&gt; it');
    expect(html).toContain('<img src="timeline-V4.svg"');
    expect(html).toContain('<a href="heartbeat.pcap">');
    const md = summaryMarkdown(lab, results, new Date(0), []);
    expect(md).toContain('| V1 round robin | PASS | 9 requests in turn |');
    expect(md).toContain('| V4 master balancer fails | FAIL |');
  });
});
