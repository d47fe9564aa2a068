// The report of lab:verify (lib/verify/report/): the timeline SVG, index.html and summary.md.
import { describe, expect, it } from 'vitest';
import { asIs, english, speaker } from '../../../../lib/said.ts';
import type { CheckResult } from '../../../../lib/verify/check.ts';

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
        { at: 0.9, label: asIs('haproxy1 powered off') },
        { at: 6.74, label: asIs('haproxy2 serves') },
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
    const results: CheckResult[] = [
      {
        id: 'V1',
        title: asIs('round robin'),
        passed: true,
        summary: asIs('9 requests in turn'),
        evidence: [asIs('answers: web1 web2 web3')],
      },
      {
        id: 'V4',
        title: asIs('master balancer fails'),
        passed: false,
        summary: asIs('no standby <took> it'),
        evidence: [],
        timeline: { samples: [], events: [] },
      },
    ];
    const vantage = asIs('requests from web3, captures inside web3 (LAN) and haproxy2 (heartbeat network)');
    const run = { when: new Date(0), vantage, say: english, pcaps: ['heartbeat.pcap'], notes: [] };
    const html = reportHtml(lab, results, run);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('1 passed, 1 failed');
    expect(html).toContain(
      `(trabajoswap.com) kept by Heartbeat (haresources; a keepalive every 1 s, deadtime 5 s, 2 nodes); ${vantage}.</p>`,
    );
    expect(html).toContain('no standby &lt;took&gt; it');
    expect(html).toContain('<img src="timeline-V4.svg"');
    expect(html).toContain('<a href="heartbeat.pcap">');
    const md = summaryMarkdown(lab, results, { ...run, pcaps: [] });
    expect(md).toContain(`1970-01-01T00:00:00.000Z — 1 passed, 1 failed; ${vantage}.`);
    expect(md).not.toContain('## Captures');
    // which HA stack the run proved
    expect(md).toContain('HA stack: Heartbeat (haresources; a keepalive every 1 s, deadtime 5 s, 2 nodes).');
    expect(md).toContain('| V1 round robin | PASS | 9 requests in turn |');
    expect(md).toContain('| V4 master balancer fails | FAIL |');
  });

  it('is in Spanish in a Spanish run: its headings, columns, verdicts, counts and the findings', async () => {
    const { reportHtml, summaryMarkdown } = await import('../../../../lib/verify/report/write-report.ts');
    const { loadLab } = await import('../../../../lib/farm/load-lab.ts');
    const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);
    const es = speaker('es');
    const results: CheckResult[] = [
      { id: 'V1', title: asIs('round robin'), passed: true, summary: asIs('9 peticiones'), evidence: [] },
      {
        id: 'V3',
        title: asIs('cae un servidor web'),
        passed: false,
        notRun: asIs('x'),
        summary: asIs('no'),
        evidence: [],
      },
      { id: 'V4', title: asIs('falla el maestro'), passed: false, summary: asIs('nadie'), evidence: [] },
    ];
    const findings = [
      {
        step: 'T5',
        host: 'haproxy1',
        wrong: { en: 'bcast eth1', es: 'bcast eth1 (es)' },
        fix: { en: 'eth2', es: 'usa eth2' },
      },
    ];
    const run = {
      when: new Date(0),
      vantage: asIs('desde web3'),
      say: es,
      pcaps: ['heartbeat.pcap'],
      notes: [],
      findings,
    };
    const html = reportHtml(lab, results, run);
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<h1>Verificación de hafarm del laboratorio "swap"</h1>');
    expect(html).toContain('1 superada, 1 fallida, 1 no ejecutada');
    expect(html).toContain('<td>V1</td><td>round robin</td><td>SUPERADA</td>');
    expect(html).toContain('<td>NO EJECUTADA</td>');
    expect(html).toContain('— FALLIDA</h2>');
    expect(html).toContain('<h2>Qué está mal, por pasos del tutorial</h2>');
    expect(html).toContain('<td>bcast eth1 (es)</td><td>usa eth2</td>');
    expect(html).toContain('(ábrela en Wireshark)');
    for (const english of ['PASS', 'FAIL', 'NOT RUN', 'passed', 'What is wrong', 'Captures', 'kept by', 'HA stack'])
      expect(html, english).not.toContain(english);
    const md = summaryMarkdown(lab, results, run);
    expect(md).toContain('# Verificación de hafarm del laboratorio "swap"');
    expect(md).toContain('| comprobación | veredicto | cifras |');
    expect(md).toContain('| V3 cae un servidor web | NO EJECUTADA | no |');
    expect(md).toContain('- **T5** haproxy1: bcast eth1 (es) — usa eth2');
  });
});
