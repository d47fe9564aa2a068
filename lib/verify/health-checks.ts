// HAProxy's health checks as the tutorial's haproxy.cfg leaves them (T8: a bare `check`, so the
// defaults): one every `inter` 2 s, a server DOWN after `fall` 3 failures and UP after `rise` 2
// successes. With no `timeout check`, a check of a dead server waits `inter` before it fails,
// and the next one starts `inter` after that.
export const HEALTH_CHECK = { interMs: 2000, fall: 3, rise: 2 } as const;

/** Slack for timers and for reading the stats page (over SSH on the Vagrant providers). */
const MARGIN_MS = 2000;

/**
 * How long after a server dies the stats may take to show it DOWN: the first check starts
 * within an inter, then fall × (timeout + inter) less the last inter. 12 s with the defaults.
 */
export function downWindowMs(): number {
  return 2 * HEALTH_CHECK.fall * HEALTH_CHECK.interMs;
}

/** How long to watch the stats for DOWN before a check gives up. */
export function downDeadlineMs(): number {
  return downWindowMs() + MARGIN_MS;
}

/** How long after a server answers again the stats may take to show it UP (rise checks, the first within an inter). */
export function upDeadlineMs(): number {
  return (HEALTH_CHECK.rise + 1) * HEALTH_CHECK.interMs + MARGIN_MS;
}

/** The deadline as a user reads it: its figure and where it comes from. */
export function describeDownDeadline(): string {
  const s = (ms: number) => `${ms / 1000} s`;
  return `${s(downDeadlineMs())}: HAProxy's health-check window of ${s(downWindowMs())} (fall ${HEALTH_CHECK.fall} checks, each failing after inter ${s(HEALTH_CHECK.interMs)} and ${s(HEALTH_CHECK.interMs)} apart) + ${s(MARGIN_MS)} to see it`;
}
