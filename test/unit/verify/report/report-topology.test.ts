// The picture of the lab at the top of the report (issue 17, part 4): topology.svg beside
// index.html, shown before the checks, linked from summary.md; no picture, no image.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import { writeReport } from '../../../../lib/verify/report/write-report.ts';
import { asIs } from '../../../../lib/said.ts';
import { TUTORIAL_LAB, scratchDir } from '../../../helpers/cli.ts';

const scratch = scratchDir('report-topology');
afterAll(() => scratch.remove());

describe('the report', () => {
  const lab = loadLab(TUTORIAL_LAB);
  const result = { id: 'V1', title: asIs('round robin'), passed: true, summary: asIs('fine'), evidence: [] };

  it('shows the picture of the lab at the top and links it from summary.md', () => {
    const dir = join(scratch.dir, 'with');
    writeReport(dir, lab, [result], { vantage: asIs('memory'), topology: '<svg xmlns="http://www.w3.org/2000/svg"/>' });
    expect(readFileSync(join(dir, 'topology.svg'), 'utf8')).toBe('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html.indexOf('<img src="topology.svg"')).toBeGreaterThan(html.indexOf('<h1>'));
    expect(html.indexOf('<img src="topology.svg"')).toBeLessThan(html.indexOf('<table>'));
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('](topology.svg)');
  });

  it('has no image of it when there is no picture', () => {
    const dir = join(scratch.dir, 'without');
    writeReport(dir, lab, [result], { vantage: asIs('memory') });
    expect(existsSync(join(dir, 'topology.svg'))).toBe(false);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).not.toContain('topology.svg');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).not.toContain('topology.svg');
  });
});
