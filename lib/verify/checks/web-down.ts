// V3: a web server powered off under steady load. Within HAProxy's health-check window the
// stats show it DOWN and no request is sent to it any more; the failed requests of the window
// are counted (the goal is none: retries and redispatch send them elsewhere); powered on again,
// it comes back UP.
import type { Check } from '../check.ts';
import { asIs, joinWords, type Speaker, type Words } from '../../said.ts';
import type { HealthCheckSettings } from '../../../roles/haproxy/haproxy-settings.ts';
import {
  describeDownDeadline,
  downDeadlineMs,
  downWindowMs,
  upDeadlineMs,
} from '../../../roles/haproxy/health-check-windows.ts';
import { pageServer } from '../../../roles/nginx/page-server.ts';
import { haproxyTimeMs } from '../../../roles/haproxy/haproxy-time.ts';
import { markPower, outageOf, powered, underLoad, waitUntil, type Outage, type TimelineEvent } from '../steady-load.ts';
import { serversNotUp, webServerStats } from '../../../roles/haproxy/haproxy-stats.ts';
import { statsSnapshot, type StatsSnapshot } from '../../../roles/haproxy/stats-snapshot.ts';
import { webDownTarget } from '../web-down-target.ts';

/** A tolerance, not a measure: for every server UP before, and web2's services started after it booted. */
const SETTLE_MS = 30_000;

/** Why V3 does not begin: what HAProxy's stats say of the servers that are not UP. */
export function notAllUp(notUp: readonly Words[], say: Speaker): Words {
  const stats = joinWords(notUp, ', ');
  return say(
    `not every web server is UP to begin with (HAProxy's stats: ${stats})`,
    `no todos los servidores web están UP al empezar (estadísticas de HAProxy: ${stats})`,
  );
}

/** The statistics page's moment when the victim showed DOWN, seconds after its power off. */
export function downMoment(victim: string, detected: number, say: Speaker): Words {
  const s = detected.toFixed(1);
  return say(`${victim} DOWN, ${s} s after it was powered off`, `${victim} DOWN, ${s} s después de apagarlo`);
}

/** The timeline's mark of that moment. */
export function downInStats(victim: string, say: Speaker): Words {
  return say(`${victim} DOWN in the stats`, `${victim} DOWN en las estadísticas`);
}

/** The statistics page's moment after V3: the victim UP again (seconds after it booted), or not. */
export function afterMoment(victim: string, back: number | undefined, say: Speaker): Words {
  if (back === undefined) return say(`after V3: ${victim} not UP again`, `tras V3: ${victim} no vuelve a estar UP`);
  const s = back.toFixed(1);
  return say(
    `after V3: ${victim} UP again, ${s} s after it booted`,
    `tras V3: ${victim} UP de nuevo, ${s} s después de arrancar`,
  );
}

/** What V3 saw of the victim: when it showed DOWN, its sessions at DOWN and 2 s later, when it came back UP. */
export interface WebDownSeen {
  victim: string;
  check: HealthCheckSettings;
  /** seconds from power off to DOWN in the stats; undefined when it never showed DOWN */
  detected: number | undefined;
  /** HAProxy's check_status at DOWN (L4TOUT), empty or undefined when it gave none */
  checkStatus?: string | undefined;
  sessionsAtDown: number;
  sessionsLater: number;
  /** seconds from power on to UP in the stats; undefined when it did not come back */
  back: number | undefined;
  /** how long V3 waited for it to come back UP */
  backMs: number;
  /** the requests sent since power off */
  outage: Pick<Outage, 'failed' | 'total'>;
}

/** What went wrong, one sentence each; none when V3 passed. */
export function webDownProblems(seen: WebDownSeen, say: Speaker): Words[] {
  const { victim, sessionsAtDown, sessionsLater } = seen;
  const problems: Words[] = [];
  if (seen.detected === undefined) {
    const deadline = describeDownDeadline(seen.check, say);
    problems.push(
      say(
        `${victim} never showed DOWN within ${deadline} of power off`,
        `${victim} no llegó a aparecer DOWN tras el apagado dentro del plazo de ${deadline}`,
      ),
    );
  }
  if (sessionsLater !== sessionsAtDown)
    problems.push(
      say(
        `${victim} still got sessions after DOWN (${sessionsAtDown} → ${sessionsLater})`,
        `${victim} siguió recibiendo sesiones después de DOWN (${sessionsAtDown} → ${sessionsLater})`,
      ),
    );
  if (seen.back === undefined)
    problems.push(
      say(
        `${victim} did not come back UP within ${seen.backMs / 1000} s of power on`,
        `${victim} no volvió a estar UP en los ${seen.backMs / 1000} s siguientes al encendido`,
      ),
    );
  return problems;
}

/** V3's one line: its figures when it passed, else what went wrong. */
export function webDownSummary(seen: WebDownSeen, say: Speaker): Words {
  const problems = webDownProblems(seen, say);
  if (problems.length > 0 || seen.detected === undefined || seen.back === undefined) return joinWords(problems, '; ');
  const { victim, check, outage } = seen;
  const status = seen.checkStatus ? asIs(seen.checkStatus) : say('check failed', 'chequeo fallido');
  const detected = seen.detected.toFixed(2);
  const back = seen.back.toFixed(2);
  const limit = downDeadlineMs(check) / 1000;
  const window = downWindowMs(check) / 1000;
  const margin = (downDeadlineMs(check) - downWindowMs(check)) / 1000;
  const requests = outage.total === 1 ? 'petición' : 'peticiones';
  const failed = outage.failed === 1 ? 'falló' : 'fallaron';
  return say(
    `${victim} DOWN (${status}) ${detected} s after power off (limit ${limit} s: a ${window} s health-check window + ${margin} s), no request sent to it since; ${outage.failed} of ${outage.total} requests failed (goal 0); UP again ${back} s after it booted`,
    `${victim} DOWN (${status}) ${detected} s después del apagado (límite ${limit} s: una ventana de chequeos de salud de ${window} s + ${margin} s), sin ninguna petición enviada a él desde entonces; ${failed} ${outage.failed} de ${outage.total} ${requests} (objetivo 0); UP de nuevo ${back} s después de arrancar`,
  );
}

/** V3's evidence: the victim's row of the stats at DOWN, and where its times count from. */
export function webDownEvidence(
  seen: Pick<WebDownSeen, 'victim' | 'sessionsAtDown' | 'sessionsLater'> & {
    status?: string | undefined;
    checkStatus?: string | undefined;
  },
  power: { off: Words; on: Words },
  say: Speaker,
): Words[] {
  const { victim, sessionsAtDown, sessionsLater } = seen;
  const row = `${seen.status ?? '?'} ${seen.checkStatus ?? ''}`;
  return [
    say(
      `stats ${victim}: status ${row}, sessions ${sessionsAtDown} then ${sessionsLater}`,
      `estadísticas ${victim}: estado ${row}, sesiones ${sessionsAtDown} y después ${sessionsLater}`,
    ),
    say(
      `times from the moment the power commands returned: ${power.off}; ${power.on}`,
      `tiempos contados desde que terminaron las órdenes de apagado y encendido: ${power.off}; ${power.on}`,
    ),
  ];
}

/** `retries` in hafarm's haproxy.cfg, and HAProxy's default where a farm built by hand sets none. */
const HAPROXY_RETRIES = 3;

export const webDownCheck: Check = {
  id: 'V3',
  title: { en: 'a web server goes down', es: 'cae un servidor web' },
  uses: ['requests'],
  needs: (lab) => [{ need: 'power', host: webDownTarget(lab) }],
  async run(ctx) {
    const victim = webDownTarget(ctx.lab);
    const check = ctx.lab.haproxy.check;
    // Back UP: its services start, then HAProxy's rise checks see it.
    const backMs = SETTLE_MS + upDeadlineMs(check);
    const say = ctx.say;
    let notUp: Words[] = [];
    const allUp = await waitUntil(async () => (notUp = await serversNotUp(ctx)).length === 0, SETTLE_MS, 500);
    if (allUp === undefined)
      return {
        passed: false,
        summary: notAllUp(notUp, say),
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
        const off = await markPower(load, powered(victim, false, say), () => ctx.machines.powerOff(victim), say);
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
        const atDown = detected === undefined ? undefined : await statsSnapshot(ctx, downMoment(victim, detected, say));
        if (detected !== undefined) events.push({ at: events[0]!.at + detected, label: downInStats(victim, say) });
        // HAProxy counts a session at every connection attempt, its retries included: a request
        // sent to the victim before DOWN is retried there after it (each `timeout connect`, up to
        // `retries` times) before it is redispatched. The count is taken once no request is bound
        // to the victim any more (scur 0): from then on a new session is a request sent to it.
        let bound = down;
        if (detected !== undefined)
          await waitUntil(
            async () => (bound = (await webServerStats(ctx))?.get(victim) ?? bound)?.scur === '0',
            (HAPROXY_RETRIES + 1) * haproxyTimeMs(ctx.lab.haproxy.timeouts.connect) + 2000,
            250,
          );
        const sessionsAtDown = Number(bound?.stot ?? 0);
        await new Promise((r) => setTimeout(r, 2000));
        const sessionsLater = Number((await webServerStats(ctx))?.get(victim)?.stot ?? -1);
        return { offIndex, off, events, down, detected, sessionsAtDown, sessionsLater, atDown };
      },
    );
    const outage = outageOf(all.slice(offIndex));

    const on = await markPower(
      { now: () => performance.now() / 1000 },
      powered(victim, true, say),
      () => ctx.machines.powerOn(victim),
      say,
    );
    const back = await waitUntil(async () => (await webServerStats(ctx))?.get(victim)?.status === 'UP', backMs, 500);
    const after = await statsSnapshot(ctx, afterMoment(victim, back, say));
    const snapshots = [atDown, after].filter((s): s is StatsSnapshot => s !== undefined);

    const seen: WebDownSeen = {
      victim,
      check,
      detected,
      checkStatus: down?.check_status,
      sessionsAtDown,
      sessionsLater,
      back,
      backMs,
      outage,
    };
    return {
      snapshots,
      passed: webDownProblems(seen, say).length === 0,
      summary: webDownSummary(seen, say),
      // The figures count from the moment each power command returned: on the Vagrant providers it takes seconds.
      evidence: webDownEvidence({ ...seen, status: down?.status }, { off: off.label, on: on.label }, say),
      timeline: { samples: all, events },
    };
  },
};
