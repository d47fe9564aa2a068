// V3: a web server powered off under steady load. Within HAProxy's health-check window the
// stats show it DOWN and no request is sent to it any more; the failed requests of the window
// are counted (the goal is none: retries and redispatch send them elsewhere); powered on again,
// it comes back UP.
import type { Check } from '../check.ts';
import {
  describeDownDeadline,
  downDeadlineMs,
  downWindowMs,
  upDeadlineMs,
} from '../../../roles/haproxy/health-check-windows.ts';
import { pageServer } from '../../../roles/nginx/page-server.ts';
import { haproxyTimeMs } from '../../../roles/haproxy/haproxy-time.ts';
import { markPower, outageOf, underLoad, waitUntil, type TimelineEvent } from '../steady-load.ts';
import { serversNotUp, webServerStats } from '../../../roles/haproxy/haproxy-stats.ts';
import { statsSnapshot, type StatsSnapshot } from '../../../roles/haproxy/stats-snapshot.ts';
import { webDownTarget } from '../web-down-target.ts';

/** A tolerance, not a measure: for every server UP before, and web2's services started after it booted. */
const SETTLE_MS = 30_000;

export const webDownCheck: Check = {
  id: 'V3',
  title: 'a web server goes down',
  uses: ['requests'],
  needs: (lab) => [{ need: 'power', host: webDownTarget(lab) }],
  async run(ctx) {
    const victim = webDownTarget(ctx.lab);
    const check = ctx.lab.haproxy.check;
    // Back UP: its services start, then HAProxy's rise checks see it.
    const backMs = SETTLE_MS + upDeadlineMs(check);
    let notUp: string[] = [];
    const allUp = await waitUntil(async () => (notUp = await serversNotUp(ctx)).length === 0, SETTLE_MS, 500);
    if (allUp === undefined)
      return {
        passed: false,
        summary: `not every web server is UP to begin with (HAProxy's stats: ${notUp.join(', ')})`,
        evidence: [],
      };

    // A request HAProxy had sent to the dead server is retried elsewhere once `timeout connect`
    // expires: the client waits as long as a browser would, so only real failures count.
    const timeoutMs = haproxyTimeMs(ctx.lab.haproxy.timeouts.connect) * 2 + 2000;
    const { offIndex, off, events, down, detected, sessionsAtDown, sessionsLater, atDown, all } = await underLoad(
      ctx.client,
      pageServer(ctx.lab, ctx.adopted),
      { timeoutMs },
      async (load) => {
        await new Promise((r) => setTimeout(r, 1000));
        const offIndex = load.samples.length;
        const off = await markPower(load, `${victim} powered off`, () => ctx.machines.powerOff(victim));
        const offAt = performance.now();
        const events: TimelineEvent[] = [off];
        let down: Record<string, string> | undefined;
        let detectedAt: number | undefined;
        await waitUntil(
          async () => {
            down = (await webServerStats(ctx))?.get(victim);
            if (down?.status === 'DOWN') detectedAt = performance.now();
            return detectedAt !== undefined;
          },
          downDeadlineMs(check),
          250,
        );
        const detected = detectedAt === undefined ? undefined : (detectedAt - offAt) / 1000;
        // The page as a person watching it saw it then: the server gone DOWN.
        const atDown =
          detected === undefined
            ? undefined
            : await statsSnapshot(ctx, `${victim} DOWN, ${detected.toFixed(1)} s after it was powered off`);
        if (detected !== undefined) events.push({ at: events[0]!.at + detected, label: `${victim} DOWN in the stats` });
        const sessionsAtDown = Number(down?.stot ?? 0);
        await new Promise((r) => setTimeout(r, 2000));
        const sessionsLater = Number((await webServerStats(ctx))?.get(victim)?.stot ?? -1);
        return { offIndex, off, events, down, detected, sessionsAtDown, sessionsLater, atDown };
      },
    );
    const outage = outageOf(all.slice(offIndex));

    const on = await markPower({ now: () => performance.now() / 1000 }, `${victim} powered on`, () =>
      ctx.machines.powerOn(victim),
    );
    const back = await waitUntil(async () => (await webServerStats(ctx))?.get(victim)?.status === 'UP', backMs, 500);
    const after = await statsSnapshot(
      ctx,
      back === undefined
        ? `after V3: ${victim} not UP again`
        : `after V3: ${victim} UP again, ${back.toFixed(1)} s after it booted`,
    );
    const snapshots = [atDown, after].filter((s): s is StatsSnapshot => s !== undefined);

    const problems = [
      ...(detected === undefined
        ? [`${victim} never showed DOWN within ${describeDownDeadline(check)} of power off`]
        : []),
      ...(sessionsLater !== sessionsAtDown
        ? [`${victim} still got sessions after DOWN (${sessionsAtDown} → ${sessionsLater})`]
        : []),
      ...(back === undefined ? [`${victim} did not come back UP within ${backMs / 1000} s of power on`] : []),
    ];
    return {
      snapshots,
      passed: problems.length === 0,
      summary:
        problems.length === 0
          ? `${victim} DOWN (${down?.check_status || 'check failed'}) ${detected!.toFixed(2)} s after power off (limit ${downDeadlineMs(check) / 1000} s: a ${downWindowMs(check) / 1000} s health-check window + ${(downDeadlineMs(check) - downWindowMs(check)) / 1000} s), no request sent to it since; ${outage.failed} of ${outage.total} requests failed (goal 0); UP again ${back!.toFixed(2)} s after it booted`
          : problems.join('; '),
      // The figures count from the moment each power command returned: on the Vagrant providers it takes seconds.
      evidence: [
        `stats ${victim}: status ${down?.status ?? '?'} ${down?.check_status ?? ''}, sessions ${sessionsAtDown} then ${sessionsLater}`,
        `times from the moment the power commands returned: ${off.label}; ${on.label}`,
      ],
      timeline: { samples: all, events },
    };
  },
};
