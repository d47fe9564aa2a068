// What lab:class reads back of a farm's run (issue 29): results.json of lab:verify's shape, or nothing.
import { describe, expect, it } from 'vitest';
import { parseResults, reasonOf } from '../../../lib/class/grade-farm.ts';
import { speaker } from '../../../lib/said.ts';

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

  it("gives the findings in the run's language", () => {
    const text = JSON.stringify({
      when: '2026-12-06T10:00:00.000Z',
      results: [],
      findings: [
        { step: 'T6', host: 'haproxy2', wrong: { en: 'mode 644', es: 'modo 644' }, fix: { en: 'a', es: 'b' } },
      ],
    });
    expect(parseResults(text, 'es')?.findings).toEqual(['T6 haproxy2: modo 644']);
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

describe('why a farm has no verdicts', () => {
  const run = (output: string, code = 1) => ({ code, output, timedOut: false });

  it("is hafarm's last message with its indented lines, one line", () => {
    expect(
      reasonOf(
        run(
          'lab "x": bringing 5 machines up with existing\n  haproxy1 ssh root@10.0.0.9:22\nhafarm: hafarm could not log in to 2 machines (nothing was changed on any):\n  web1: web1: cannot connect to root@127.0.0.1:4: connect ECONNREFUSED\n  web2: web2: cannot connect to root@127.0.0.1:5: connect ECONNREFUSED\n',
        ),
        'lab:up',
        300_000,
      ),
    ).toBe(
      'lab:up failed: hafarm could not log in to 2 machines (nothing was changed on any): web1: web1: cannot connect to root@127.0.0.1:4: connect ECONNREFUSED web2: web2: cannot connect to root@127.0.0.1:5: connect ECONNREFUSED',
    );
  });

  it('is the time limit when the run was stopped, the last line or the exit status otherwise', () => {
    expect(reasonOf({ code: undefined, output: 'x', timedOut: true }, 'lab:verify', 20 * 60_000)).toBe(
      'lab:verify did not end within 20 min',
    );
    expect(reasonOf(run('some output\nSegmentation fault\n', 139), 'lab:verify', 1)).toBe(
      'lab:verify failed: Segmentation fault',
    );
    expect(reasonOf(run('', 3), 'lab:up', 1)).toBe('lab:up failed (exit 3)');
  });

  it('is said in Spanish in a Spanish class', () => {
    const es = speaker('es');
    expect(reasonOf({ code: undefined, output: 'x', timedOut: true }, 'lab:verify', 20 * 60_000, es)).toBe(
      'lab:verify no terminó en 20 min',
    );
    expect(reasonOf({ code: 3, output: '', timedOut: false }, 'lab:up', 1, es)).toBe(
      'lab:up falló (código de salida 3)',
    );
    expect(reasonOf({ code: 1, output: 'hafarm: cannot connect\n', timedOut: false }, 'lab:up', 1, es)).toBe(
      'lab:up falló: cannot connect',
    );
  });
});
