// lib/verify/health-checks.ts: the windows V1 and V3 wait for, from the health-check settings the
// haproxy role writes (the definition's haproxy.check, HAProxy's own when it has none).
import { describe, expect, it } from 'vitest';
import { HAPROXY_CHECK_DEFAULTS } from '../../../../roles/haproxy/health-check.ts';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import {
  describeDownDeadline,
  downDeadlineMs,
  downWindowMs,
  upDeadlineMs,
} from '../../../../roles/haproxy/health-check-windows.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';
import { english, speaker } from '../../../../lib/said.ts';

describe("HAProxy's health-check window", () => {
  it('follows from the defaults the tutorial leaves: DOWN within 12 s of a death, UP within 6 s (+ margin) of a return', () => {
    // Measured on the namespace lab: web2 DOWN (L4TOUT) 10.4–12.2 s after power off (the stats read every 0.25 s).
    expect(loadLab(TUTORIAL_LAB).haproxy.check).toEqual(HAPROXY_CHECK_DEFAULTS);
    expect(downWindowMs(HAPROXY_CHECK_DEFAULTS)).toBe(12_000);
    expect(downDeadlineMs(HAPROXY_CHECK_DEFAULTS)).toBe(14_000);
    expect(upDeadlineMs(HAPROXY_CHECK_DEFAULTS)).toBe(8_000);
    expect(describeDownDeadline(HAPROXY_CHECK_DEFAULTS, english)).toBe(
      "14 s: HAProxy's health-check window of 12 s (fall 3 checks, each failing after inter 2 s and 2 s apart) + 2 s to see it",
    );
  });

  it("follows the settings a definition gives, in any of HAProxy's time units", () => {
    const quick = { inter: '500ms', fall: 2, rise: 4 };
    expect(downWindowMs(quick)).toBe(2_000);
    expect(downDeadlineMs(quick)).toBe(4_000);
    expect(upDeadlineMs(quick)).toBe(4_500);
    expect(describeDownDeadline(quick, english)).toBe(
      "4 s: HAProxy's health-check window of 2 s (fall 2 checks, each failing after inter 0.5 s and 0.5 s apart) + 2 s to see it",
    );
    const slow = { inter: '3s', fall: 5, rise: 1 };
    expect(downWindowMs(slow)).toBe(30_000);
    expect(upDeadlineMs(slow)).toBe(8_000);
  });

  it('says the deadline in Spanish, with the same figures', () => {
    const es = speaker('es');
    expect(describeDownDeadline(HAPROXY_CHECK_DEFAULTS, es)).toBe(
      '14 s: la ventana de chequeos de salud de HAProxy, de 12 s (fall 3 chequeos, cada uno falla tras inter 2 s y se hacen cada 2 s) + 2 s para verlo',
    );
    expect(describeDownDeadline({ inter: '500ms', fall: 1, rise: 1 }, es)).toBe(
      '3 s: la ventana de chequeos de salud de HAProxy, de 1 s (fall 1 chequeo, cada uno falla tras inter 0.5 s y se hacen cada 0.5 s) + 2 s para verlo',
    );
  });
});
