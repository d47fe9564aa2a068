// What lab:class reads back of a farm's run (issue 29): results.json of lab:verify's shape, or nothing.
import { describe, expect, it } from 'vitest';
import { parseResults } from '../../../lib/class/grade-farm.ts';

describe("a farm's results.json", () => {
  it('gives each verdict, its summary and the findings', () => {
    const read = parseResults(
      JSON.stringify({
        when: '2026-12-06T10:00:00.000Z',
        results: [
          { id: 'V1', verdict: 'PASS', summary: 'web1, web2, web3 in turn' },
          { id: 'V4', verdict: 'NOT RUN', summary: 'not run: no power commands for haproxy1' },
        ],
        findings: [
          {
            step: 'T6',
            host: 'haproxy2',
            wrong: { en: 'authkeys is mode 644', es: 'x' },
            fix: { en: 'chmod', es: 'y' },
          },
        ],
      }),
    );
    expect(read?.when).toBe(Date.parse('2026-12-06T10:00:00.000Z'));
    expect([...read!.checks]).toEqual([
      ['V1', { verdict: 'PASS', summary: 'web1, web2, web3 in turn' }],
      ['V4', { verdict: 'NOT RUN', summary: 'not run: no power commands for haproxy1' }],
    ]);
    expect(read?.findings).toEqual(['T6 haproxy2: authkeys is mode 644']);
  });

  it('is nothing when it is not what lab:verify writes', () => {
    for (const text of [
      'not json',
      '[]',
      '{"results": []}',
      '{"when": "2026-12-06T10:00:00Z", "results": [{"id": "V1", "verdict": "MAYBE", "summary": ""}]}',
      '{"when": "2026-12-06T10:00:00Z", "results": [{"id": "<b>", "verdict": "PASS", "summary": ""}]}',
      '{"when": "2026-12-06T10:00:00Z", "results": [{"id": "V1", "verdict": "PASS"}]}',
    ])
      expect(parseResults(text), text).toBeUndefined();
  });
});
