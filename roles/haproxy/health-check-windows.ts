// The windows HAProxy's health checks give, from the same settings the haproxy role writes into
// haproxy.cfg (the definition's haproxy.check; a bare `check` keeps HAProxy's own: inter 2 s,
// fall 3, rise 2). With no `timeout check` a check of a dead server fails only after `inter`
// (HAProxy's manual: "inter" is then the whole check's timeout), and the next one starts `inter`
// after that; fastinter and downinter, unset, are `inter` too.
import { haproxyTimeMs } from './haproxy-time.ts';
import type { HealthCheckSettings } from './haproxy-settings.ts';
import type { Speaker, Words } from '../../lib/said.ts';

/** Slack for timers and for reading the stats page (over SSH on the Vagrant providers). */
const MARGIN_MS = 2000;

/**
 * How long after a server dies the stats may take to show it DOWN: the first check starts
 * within an inter, then fall × (timeout + inter) less the last inter. 12 s with the defaults.
 */
export function downWindowMs(check: HealthCheckSettings): number {
  return 2 * check.fall * haproxyTimeMs(check.inter);
}

/** How long to watch the stats for DOWN before a check gives up. */
export function downDeadlineMs(check: HealthCheckSettings): number {
  return downWindowMs(check) + MARGIN_MS;
}

/** How long after a server answers again the stats may take to show it UP (rise checks, the first within an inter). */
export function upDeadlineMs(check: HealthCheckSettings): number {
  return (check.rise + 1) * haproxyTimeMs(check.inter) + MARGIN_MS;
}

/** The deadline as a user reads it: its figure and where it comes from. */
export function describeDownDeadline(check: HealthCheckSettings, say: Speaker): Words {
  const s = (ms: number) => `${ms / 1000} s`;
  const inter = haproxyTimeMs(check.inter);
  return say(
    `${s(downDeadlineMs(check))}: HAProxy's health-check window of ${s(downWindowMs(check))} (fall ${check.fall} checks, each failing after inter ${s(inter)} and ${s(inter)} apart) + ${s(MARGIN_MS)} to see it`,
    `${s(downDeadlineMs(check))}: la ventana de chequeos de salud de HAProxy, de ${s(downWindowMs(check))} (fall ${check.fall} ${check.fall === 1 ? 'chequeo' : 'chequeos'}, cada uno falla tras inter ${s(inter)} y se hacen cada ${s(inter)}) + ${s(MARGIN_MS)} para verlo`,
  );
}
