// What V9 says of each loss setting, in English and Spanish: the figures, the evidence, what went wrong.
import { describe, expect, it } from 'vitest';
import { english, speaker } from '../../../../lib/said.ts';
import {
  describeOutcome,
  outcomeEvidence,
  outcomeProblems,
  type LossOutcome,
} from '../../../../lib/verify/checks/lossy-heartbeat.ts';

const es = speaker('es');

/** 30%: two moves, a split of 3.1 s and 0.5 s with none; healed 4.2 s after the loss was cleared. */
const thirty = (lang: 'en' | 'es'): LossOutcome => ({
  percent: 30,
  shown: 30,
  moves: 2,
  splitSeconds: 3.14,
  vacantSeconds: 0.5,
  failed: 12,
  total: 300,
  healed: { host: 'haproxy1', seconds: 4.21 },
  through: speaker(lang)('through haproxy1: 288 answered', 'a través de haproxy1: 288 respondidas'),
});

/** 60%: one move, nothing held twice, one request, healed only after a restart. */
const sixty = (lang: 'en' | 'es'): LossOutcome => ({
  percent: 60,
  shown: 60,
  moves: 1,
  splitSeconds: 0,
  vacantSeconds: 0,
  failed: 1,
  total: 1,
  through: speaker(lang)('through haproxy2: 0 answered, 1 failed', 'a través de haproxy2: 0 respondidas, 1 fallida'),
  restart: speaker(lang)('RESTART', 'REINICIO'),
});

describe("one setting's figures", () => {
  it('in English, as before', () => {
    expect(describeOutcome(thirty('en'), 30, english)).toBe(
      '30% loss for 30 s: 2 VIP moves (two holders 3.1 s, no holder 0.5 s), 12 of 300 requests failed',
    );
    expect(describeOutcome(sixty('en'), 30, english)).toBe(
      '60% loss for 30 s: 1 VIP move, 1 of 1 requests failed, not healed by itself',
    );
  });

  it('in Spanish, agreeing in number', () => {
    expect(describeOutcome(thirty('es'), 30, es)).toBe(
      '30% de pérdida durante 30 s: 2 movimientos de la VIP (dos titulares 3.1 s, ningún titular 0.5 s), 12 de 300 peticiones fallaron',
    );
    expect(describeOutcome(sixty('es'), 30, es)).toBe(
      '60% de pérdida durante 30 s: 1 movimiento de la VIP, 1 de 1 petición falló, la granja no se recuperó por sí sola',
    );
  });
});

describe("one setting's evidence", () => {
  it('healed: who held the VIP and when', () => {
    expect(outcomeEvidence(thirty('en'), 30, english)).toBe(
      '30% loss for 30 s: 2 VIP moves (two holders 3.1 s, no holder 0.5 s), 12 of 300 requests failed (through haproxy1: 288 answered); haproxy1 alone held the VIP 4.2 s after the loss was cleared',
    );
    expect(outcomeEvidence(thirty('es'), 30, es)).toBe(
      '30% de pérdida durante 30 s: 2 movimientos de la VIP (dos titulares 3.1 s, ningún titular 0.5 s), 12 de 300 peticiones fallaron (a través de haproxy1: 288 respondidas); solo haproxy1 tuvo la VIP 4.2 s después de eliminar la pérdida',
    );
  });

  it('not healed: the restart hafarm did', () => {
    expect(outcomeEvidence(sixty('en'), 30, english)).toBe(
      '60% loss for 30 s: 1 VIP move, 1 of 1 requests failed, not healed by itself (through haproxy2: 0 answered, 1 failed); not healed (RESTART)',
    );
    expect(outcomeEvidence(sixty('es'), 30, es)).toBe(
      '60% de pérdida durante 30 s: 1 movimiento de la VIP, 1 de 1 petición falló, la granja no se recuperó por sí sola (a través de haproxy2: 0 respondidas, 1 fallida); sin recuperarse (REINICIO)',
    );
  });
});

describe('what went wrong', () => {
  const on = { broken: 'haproxy2', stack: 'Heartbeat' };

  it('nothing when each loss was shown as set and the farm healed', () => {
    expect(outcomeProblems([thirty('en')], on, english)).toEqual([]);
  });

  it('a loss not shown as set, a farm left without a single holder', () => {
    const unshown = (lang: 'en' | 'es'): LossOutcome => {
      const outcome = sixty(lang);
      delete outcome.shown;
      return outcome;
    };
    const wrong = (lang: 'en' | 'es') => [{ ...thirty(lang), shown: 25 }, unshown(lang)];
    expect(outcomeProblems(wrong('en'), on, english)).toEqual([
      "haproxy2's heartbeat link showed 25% loss where 30% was set",
      "haproxy2's heartbeat link showed no% loss where 60% was set",
      'after 60% loss no single holder, even after Heartbeat was restarted on haproxy2',
    ]);
    expect(outcomeProblems(wrong('es'), on, es)).toEqual([
      'el enlace de latidos de haproxy2 mostró un 25% de pérdida donde se fijó un 30%',
      'el enlace de latidos de haproxy2 no mostró pérdida alguna donde se fijó un 60%',
      'tras un 60% de pérdida ningún titular único, incluso después de reiniciar Heartbeat en haproxy2',
    ]);
  });
});
