// HAProxy's health checks of the web servers (T8's `check`). The tutorial writes a bare `check`,
// which keeps HAProxy's own settings; a definition may set others. The haproxy role writes what
// differs from HAProxy's settings on each server line, and lab:verify times its windows by the
// same values (health-check-windows.ts), so the two cannot disagree.
import type { HealthCheckSettings } from './haproxy-settings.ts';

/**
 * What HAProxy 2.6 does with a bare `check`: its configuration manual, server keywords `inter`
 * ("defaults to 2000 ms"), `fall` ("defaults to 3") and `rise` ("defaults to 2"); DEF_CHKINTR,
 * DEF_FALLTIME and DEF_RISETIME in its include/haproxy/defaults.h.
 */
export const HAPROXY_CHECK_DEFAULTS: Readonly<HealthCheckSettings> = { inter: '2s', fall: 3, rise: 2 };

/**
 * What lab:verify can wait for. V3 keeps the farm under load for the whole DOWN window
 * (2 × fall × inter) and V1 waits the UP window ((rise + 1) × inter) for a server that just came
 * back: a minute each at most.
 */
export const HEALTH_CHECK_BOUNDS = {
  interMs: { min: 100, max: 10_000 },
  count: { min: 1, max: 10 },
  windowMs: 60_000,
} as const;
