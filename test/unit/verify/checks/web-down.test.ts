// V3's sentences (lib/verify/checks/web-down.ts): the summary, problems, evidence and the moments
// of the statistics page, in English as they always were and in Spanish with the same figures.
import { describe, expect, it } from 'vitest';
import { powered } from '../../../../lib/verify/steady-load.ts';
import { asIs, english, speaker } from '../../../../lib/said.ts';
import { HAPROXY_CHECK_DEFAULTS } from '../../../../roles/haproxy/health-check.ts';
import {
  afterMoment,
  downInStats,
  downMoment,
  notAllUp,
  webDownEvidence,
  webDownProblems,
  webDownSummary,
  webDownCheck,
  type WebDownSeen,
} from '../../../../lib/verify/checks/web-down.ts';

const es = speaker('es');

const passed: WebDownSeen = {
  victim: 'web2',
  check: HAPROXY_CHECK_DEFAULTS,
  detected: 11.234,
  checkStatus: 'L4TOUT',
  sessionsAtDown: 40,
  sessionsLater: 40,
  back: 5.5,
  backMs: 38_000,
  outage: { failed: 0, total: 120 },
};

const failed: WebDownSeen = { ...passed, detected: undefined, sessionsLater: 42, back: undefined };

describe('V3 in English', () => {
  it('keeps its title and its summary as they were', () => {
    expect(webDownCheck.title).toEqual({ en: 'a web server goes down', es: 'cae un servidor web' });
    expect(webDownSummary(passed, english)).toBe(
      'web2 DOWN (L4TOUT) 11.23 s after power off (limit 14 s: a 12 s health-check window + 2 s), no request sent to it since; 0 of 120 requests failed (goal 0); UP again 5.50 s after it booted',
    );
    expect(webDownSummary({ ...passed, checkStatus: '' }, english)).toMatch(/^web2 DOWN \(check failed\) /);
    expect(webDownProblems(passed, english)).toEqual([]);
  });

  it('says each problem, joined in the summary', () => {
    expect(webDownProblems(failed, english)).toEqual([
      "web2 never showed DOWN within 14 s: HAProxy's health-check window of 12 s (fall 3 checks, each failing after inter 2 s and 2 s apart) + 2 s to see it of power off",
      'web2 still got sessions after DOWN (40 → 42)',
      'web2 did not come back UP within 38 s of power on',
    ]);
    expect(webDownSummary(failed, english)).toBe(webDownProblems(failed, english).join('; '));
  });

  it('keeps the moments, the marks and the evidence', () => {
    expect(notAllUp([asIs('web3 is DOWN'), asIs('web1 is MAINT')], english)).toBe(
      "not every web server is UP to begin with (HAProxy's stats: web3 is DOWN, web1 is MAINT)",
    );
    expect(powered('web2', false, english)).toBe('web2 powered off');
    expect(powered('web2', true, english)).toBe('web2 powered on');
    expect(downMoment('web2', 11.26, english)).toBe('web2 DOWN, 11.3 s after it was powered off');
    expect(downInStats('web2', english)).toBe('web2 DOWN in the stats');
    expect(afterMoment('web2', 5.55, english)).toBe('after V3: web2 UP again, 5.5 s after it booted');
    expect(afterMoment('web2', undefined, english)).toBe('after V3: web2 not UP again');
    expect(
      webDownEvidence(
        { ...passed, status: 'DOWN' },
        { off: english('web2 powered off', ''), on: english('web2 powered on', '') },
        english,
      ),
    ).toEqual([
      'stats web2: status DOWN L4TOUT, sessions 40 then 40',
      'times from the moment the power commands returned: web2 powered off; web2 powered on',
    ]);
    expect(
      webDownEvidence(
        { victim: 'web2', sessionsAtDown: 0, sessionsLater: -1 },
        { off: asIs('a'), on: asIs('b') },
        english,
      )[0],
    ).toBe('stats web2: status ? , sessions 0 then -1');
  });
});

describe('V3 in Spanish', () => {
  it('says its summary with the same figures, HAProxy’s words as they are', () => {
    expect(webDownSummary(passed, es)).toBe(
      'web2 DOWN (L4TOUT) 11.23 s después del apagado (límite 14 s: una ventana de chequeos de salud de 12 s + 2 s), sin ninguna petición enviada a él desde entonces; fallaron 0 de 120 peticiones (objetivo 0); UP de nuevo 5.50 s después de arrancar',
    );
    expect(webDownSummary({ ...passed, checkStatus: undefined }, es)).toMatch(/^web2 DOWN \(chequeo fallido\) /);
  });

  it('agrees in number: 1 petición, falló 1', () => {
    expect(webDownSummary({ ...passed, outage: { failed: 1, total: 1 } }, es)).toContain(
      '; falló 1 de 1 petición (objetivo 0);',
    );
    expect(webDownSummary({ ...passed, outage: { failed: 2, total: 90 } }, es)).toContain(
      '; fallaron 2 de 90 peticiones (objetivo 0);',
    );
  });

  it('says each problem', () => {
    expect(webDownProblems(failed, es)).toEqual([
      'web2 no llegó a aparecer DOWN tras el apagado dentro del plazo de 14 s: la ventana de chequeos de salud de HAProxy, de 12 s (fall 3 chequeos, cada uno falla tras inter 2 s y se hacen cada 2 s) + 2 s para verlo',
      'web2 siguió recibiendo sesiones después de DOWN (40 → 42)',
      'web2 no volvió a estar UP en los 38 s siguientes al encendido',
    ]);
    expect(webDownSummary(failed, es)).toBe(webDownProblems(failed, es).join('; '));
  });

  it('says the moments, the marks and the evidence', () => {
    expect(notAllUp([asIs('web3 está DOWN')], es)).toBe(
      'no todos los servidores web están UP al empezar (estadísticas de HAProxy: web3 está DOWN)',
    );
    expect(powered('web2', false, es)).toBe('web2 apagado');
    expect(powered('web2', true, es)).toBe('web2 encendido');
    expect(downMoment('web2', 11.26, es)).toBe('web2 DOWN, 11.3 s después de apagarlo');
    expect(downInStats('web2', es)).toBe('web2 DOWN en las estadísticas');
    expect(afterMoment('web2', 5.55, es)).toBe('tras V3: web2 UP de nuevo, 5.5 s después de arrancar');
    expect(afterMoment('web2', undefined, es)).toBe('tras V3: web2 no vuelve a estar UP');
    expect(
      webDownEvidence(
        { ...passed, status: 'DOWN' },
        { off: powered('web2', false, es), on: powered('web2', true, es) },
        es,
      ),
    ).toEqual([
      'estadísticas web2: estado DOWN L4TOUT, sesiones 40 y después 40',
      'tiempos contados desde que terminaron las órdenes de apagado y encendido: web2 apagado; web2 encendido',
    ]);
  });
});
