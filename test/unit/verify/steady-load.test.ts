// The load the checks run under (lib/verify/steady-load.ts): outages, HAProxy's time format,
// power operations marked on the timeline.
import { asIs, english, speaker } from '../../../lib/said.ts';
import { describe, expect, it } from 'vitest';
import { outageOf } from '../../../lib/verify/steady-load.ts';

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

describe('a power operation on the timeline', () => {
  it('is marked when the command returned, and says how long the command took when that was long (Vagrant)', async () => {
    const { markPower } = await import('../../../lib/verify/steady-load.ts');
    let clock = 10;
    const load = { now: () => clock };
    const quick = await markPower(load, asIs('web2 powered off'), async () => void (clock += 0.05), english);
    expect(quick).toMatchObject({ at: 10.05, label: 'web2 powered off' });
    const slow = await markPower(load, asIs('haproxy1 powered on'), async () => void (clock += 92.4), english);
    expect(slow.at).toBeCloseTo(102.45);
    expect(slow.label).toBe('haproxy1 powered on (the command took 92.4 s)');
    const lenta = await markPower(load, asIs('haproxy1 encendida'), async () => void (clock += 92.4), speaker('es'));
    expect(lenta.label).toBe('haproxy1 encendida (la orden tardó 92.4 s)');
  });
});
