// V8 under two definitions side by side (issue 16, item 3): each variant's last run kept in the
// report's folder, shown together, and a kept file that is not plain data of the right shape
// never reaches the HTML.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import type { CheckResult } from '../../../../lib/verify/check.ts';
import { keptRunOf, variantSlug } from '../../../../lib/verify/report/kept-variants.ts';
import { writeReport } from '../../../../lib/verify/report/write-report.ts';
import { asIs, speaker } from '../../../../lib/said.ts';
import { TUTORIAL_LAB, scratchDir } from '../../../helpers/cli.ts';

const scratch = scratchDir('kept-variants');
afterAll(() => scratch.remove());

const v8 = (variant: string, passed: boolean, summary: string): CheckResult => ({
  id: 'V8',
  title: asIs('split brain'),
  passed,
  summary: asIs(summary),
  evidence: [],
  variant: { en: variant, es: `${variant} (es)` },
  timeline: {
    samples: [{ at: 0, took: 0.01, ok: true, via: 'haproxy2' }],
    events: [],
    lanes: [{ label: asIs('haproxy2 holds the VIP'), spans: [[1, 4]] }],
  },
});

describe('runs of one check under different definitions', () => {
  const lab = loadLab(TUTORIAL_LAB);

  it('are kept per variant and shown side by side, each with its timeline, the later run of a variant replacing the earlier', () => {
    const dir = join(scratch.dir, 'report');
    writeReport(dir, lab, [v8('one heartbeat path', true, 'split brain: <two> holders')], {
      vantage: asIs('memory'),
      when: new Date('2026-01-01T00:00:00Z'),
    });
    writeReport(dir, lab, [v8('heartbeat paths: heartbeat, lan', true, 'one holder throughout')], {
      vantage: asIs('memory'),
      when: new Date('2026-01-02T00:00:00Z'),
    });
    writeReport(dir, lab, [v8('one heartbeat path', false, 'again')], {
      vantage: asIs('memory'),
      when: new Date('2026-01-03T00:00:00Z'),
    });
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const section = html.slice(html.indexOf('V8 side by side'));
    expect(section).toContain(
      '<td>heartbeat paths: heartbeat, lan</td><td>2026-01-02T00:00:00.000Z</td><td>PASS</td><td>one holder throughout</td>',
    );
    expect(section).toContain(
      '<td>one heartbeat path</td><td>2026-01-03T00:00:00.000Z</td><td>FAIL</td><td>again</td>',
    );
    expect(section).not.toContain('&lt;two&gt;');
    expect(section).toContain('<img src="kept/V8-heartbeat-paths-heartbeat-lan.svg"');
    expect(readFileSync(join(dir, 'kept', 'V8-one-heartbeat-path.svg'), 'utf8')).toContain('haproxy2 holds the VIP');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(
      '| heartbeat paths: heartbeat, lan | 2026-01-02T00:00:00.000Z | PASS | one holder throughout |',
    );
  });

  it('are filed by the variant whatever language a run spoke: a Spanish run replaces the English one of that variant', () => {
    const dir = join(scratch.dir, 'languages');
    writeReport(dir, lab, [v8('one heartbeat path', true, 'fine')], { vantage: asIs('memory') });
    writeReport(dir, lab, [v8('one heartbeat path', false, 'mal')], { vantage: asIs('memoria'), say: speaker('es') });
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const section = html.slice(html.indexOf('V8 lado a lado'));
    expect(section).toContain('<td>one heartbeat path (es)</td>');
    expect(section).toContain('<td>FALLIDA</td><td>mal</td>');
    expect(section).not.toContain('fine');
  });

  it('show nothing of a kept file that is not a kept run: damaged, of another shape, or naming a timeline outside the folder', () => {
    const dir = join(scratch.dir, 'damaged');
    writeReport(dir, lab, [v8('one heartbeat path', true, 'fine')], { vantage: asIs('memory') });
    writeFileSync(
      join(dir, 'kept', 'V8-x.json'),
      '{"id":"V8","title":"t","variant":"<script>","passed":"yes","summary":"s","when":"w"}',
    );
    writeFileSync(join(dir, 'kept', 'V8-y.json'), 'not json');
    writeReport(dir, lab, [], { vantage: asIs('memory') });
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).not.toContain('script');
    expect(
      keptRunOf(
        JSON.stringify({
          id: 'V8',
          title: 't',
          variant: 'v',
          passed: true,
          summary: 's',
          when: 'w',
          timeline: '../../etc/x.svg',
        }),
      ),
    ).toBeUndefined();
    expect(
      keptRunOf(
        JSON.stringify({
          id: 'V8',
          title: 't',
          variant: 'v',
          passed: true,
          summary: 's',
          when: 'w',
          timeline: 'kept/V8-a.svg',
        }),
      ),
    ).toMatchObject({ timeline: 'kept/V8-a.svg' });
  });

  it('are named by their variant in letters, digits and "-" only', () => {
    expect(variantSlug('heartbeat paths: heartbeat, lan')).toBe('heartbeat-paths-heartbeat-lan');
    expect(variantSlug('../../x')).toBe('x');
    expect(variantSlug('***')).toBe('default');
  });
});

describe('the timeline of a check that broke a link', () => {
  it('has a lane per balancer, a bar where it held the VIP, and says which balancer each request went through', async () => {
    const { timelineSvg } = await import('../../../../lib/verify/report/svg-timeline.ts');
    const svg = timelineSvg('V8', v8('v', true, '').timeline!);
    expect(svg).toContain('haproxy2 holds the VIP: 1.0–4.0 s');
    expect(svg).toContain('answered by ? through haproxy2');
    expect(svg).toMatch(/height="191"/);
  });
});
