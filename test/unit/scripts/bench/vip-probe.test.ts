// The bench's figures from its probe's samples (scripts/bench/vip-probe.ts): failover from the
// power-off moment to the first answer after the outage, requests lost in a window, min/median/max.
import { describe, expect, it } from 'vitest';
import { lostIn, outageSeconds, spread, type ProbeSample } from '../../../../scripts/bench/vip-probe.ts';

const at = (sent: number, ok: boolean): ProbeSample => ({ sent, ok });

describe('the bench probe figures', () => {
  it('times an outage from the power-off moment to the first answered request after the first failed one', () => {
    // answered before power off (1000), failed while no one held the VIP, answered again at 1360
    const samples = [at(990, true), at(1005, true), at(1010, false), at(1200, false), at(1360, true), at(1370, true)];
    expect(outageSeconds(samples, 1000)).toBeCloseTo(0.36, 6);
    // in whatever order the requests ended
    expect(outageSeconds([...samples].reverse(), 1000)).toBeCloseTo(0.36, 6);
  });

  it('is 0 without a failure, and unknown while nothing was answered after one', () => {
    expect(outageSeconds([at(1010, true), at(1020, true)], 1000)).toBe(0);
    expect(outageSeconds([at(1010, false), at(1020, false)], 1000)).toBeUndefined();
  });

  it('counts the failed requests sent in a window', () => {
    expect(lostIn([at(5, false), at(10, true), at(15, false), at(20, true), at(30, false)], 10, 30)).toEqual({
      failed: 1,
      total: 3,
    });
  });

  it('prints min / median / max', () => {
    expect(spread([0.4, 0.36, 0.5])).toBe('0.36 / 0.40 / 0.50');
    expect(spread([1, 2, 3, 4])).toBe('1.00 / 2.50 / 4.00');
    expect(spread([])).toBe('–');
  });
});
