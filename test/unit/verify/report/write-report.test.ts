// The report of lab:verify (lib/verify/report/): the timeline SVG, index.html and summary.md.
import { describe, expect, it } from 'vitest';

describe('report', () => {
  it('draws each request as a bar from sent to answered, coloured by outcome, with the events marked', async () => {
    const { timelineSvg } = await import('../../../../lib/verify/report/svg-timeline.ts');
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
    const { reportHtml, summaryMarkdown } = await import('../../../../lib/verify/report/write-report.ts');
    const { loadLab } = await import('../../../../lib/farm/load-lab.ts');
    const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);
    const results = [
      {
        id: 'V1',
        title: 'round robin',
        passed: true,
        summary: '9 requests in turn',
        evidence: ['answers: web1 web2 web3'],
      },
      {
        id: 'V4',
        title: 'master balancer fails',
        passed: false,
        summary: 'no standby <took> it',
        evidence: [],
        timeline: { samples: [], events: [] },
      },
    ];
    const vantage = 'requests from web3, captures inside web3 (LAN) and haproxy2 (heartbeat network)';
    const html = reportHtml(lab, results, { when: new Date(0), vantage, pcaps: ['heartbeat.pcap'], notes: [] });
    expect(html).toContain('1 passed, 1 failed');
    expect(html).toContain(
      `(trabajoswap.com) kept by Heartbeat (haresources; a keepalive every 1 s, deadtime 5 s, 2 nodes); ${vantage}.</p>`,
    );
    expect(html).toContain('no standby &lt;took&gt; it');
    expect(html).toContain('<img src="timeline-V4.svg"');
    expect(html).toContain('<a href="heartbeat.pcap">');
    const md = summaryMarkdown(lab, results, { when: new Date(0), vantage, pcaps: [], notes: [] });
    expect(md).toContain(`1970-01-01T00:00:00.000Z — 1 passed, 1 failed; ${vantage}.`);
    expect(md).not.toContain('## Captures');
    // which HA stack the run proved
    expect(md).toContain('HA stack: Heartbeat (haresources; a keepalive every 1 s, deadtime 5 s, 2 nodes).');
    expect(md).toContain('| V1 round robin | PASS | 9 requests in turn |');
    expect(md).toContain('| V4 master balancer fails | FAIL |');
  });
});
