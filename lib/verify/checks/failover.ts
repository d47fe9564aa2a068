// V4 and V5: the master balancer powered off under steady load (the backup takes the VIP and
// the site answers again), then powered on (where the stack fails back, the VIP comes back).
// Each measures the time without service and the failed requests, and quotes the HA stack's log
// lines written during the check, never older ones; which lines prove what is the stack's.
import { haStackOf } from '../../../roles/components.ts';
import { balancers, masterBalancer, type Lab } from '../../lab/model.ts';
import type { Check, VerifyContext } from '../check.ts';
import { linesSince, markLog, type LogMark } from '../log-window.ts';
import { pageServer } from '../../../roles/nginx/page-server.ts';
import {
  markPower,
  outageOf,
  underLoad,
  waitUntil,
  type Sample,
  type Timeline,
  type TimelineEvent,
} from '../steady-load.ts';
import { vipHolder } from '../vip.ts';

const TAKEOVER_TIMEOUT_MS = 60_000;

function standbys(lab: Lab): string[] {
  return balancers(lab)
    .filter((h) => h.role !== 'master')
    .map((h) => h.name);
}

/** Marks the stack's log on every standby: the check's window opens here. */
async function markStandbyLogs(ctx: VerifyContext): Promise<Map<string, LogMark>> {
  const marks = new Map<string, LogMark>();
  for (const host of standbys(ctx.lab))
    marks.set(host, await markLog(ctx.machines, host, haStackOf(ctx.lab).logFile(ctx.lab)));
  return marks;
}

/** samples: the requests sent since the moment (power off or on) that `since` names. */
function describe(samples: Sample[], since: string): string {
  const outage = outageOf(samples);
  return `${outage.seconds.toFixed(2)} s without service, ${outage.failed} of ${outage.total} requests since ${since} failed`;
}

/** Powers the master off and waits for a standby to serve; returns the samples after power off. */
async function failOver(
  ctx: VerifyContext,
  master: string,
): Promise<{ samples: Sample[]; timeline: Timeline; taker?: string; seconds?: number }> {
  const { off, events, taker, seconds, all } = await underLoad(
    ctx.client,
    pageServer(ctx.lab, ctx.adopted),
    {},
    async (load) => {
      await new Promise((r) => setTimeout(r, 1000));
      const off = load.samples.length;
      const events: TimelineEvent[] = [
        await markPower(load, `${master} powered off`, () => ctx.machines.powerOff(master)),
      ];
      let taker: string | undefined;
      const seconds = await waitUntil(async () => {
        taker = (await vipHolder(ctx)) ?? undefined;
        return (
          taker !== undefined &&
          taker !== master &&
          load.samples.slice(off).some((s) => s.ok) &&
          load.samples[load.samples.length - 1]!.ok
        );
      }, TAKEOVER_TIMEOUT_MS);
      if (taker && seconds !== undefined) events.push({ at: load.now(), label: `${taker} serves` });
      await new Promise((r) => setTimeout(r, 1000));
      return { off, events, taker, seconds };
    },
  );
  return {
    samples: all.slice(off),
    timeline: { samples: all, events },
    ...(taker ? { taker } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
  };
}

export const failoverCheck: Check = {
  id: 'V4',
  title: 'master balancer fails',
  uses: ['requests'],
  needs: (lab) => [{ need: 'power', host: masterBalancer(lab).name }],
  async run(ctx) {
    const master = masterBalancer(ctx.lab).name;
    const ready = await waitUntil(async () => (await vipHolder(ctx)) === master, TAKEOVER_TIMEOUT_MS);
    if (ready === undefined)
      return {
        passed: false,
        summary: `${master} does not hold the VIP ${ctx.lab.vip.address} to begin with`,
        evidence: [],
      };
    const marks = await markStandbyLogs(ctx);
    const { samples, timeline, taker, seconds } = await failOver(ctx, master);
    if (!taker || seconds === undefined) {
      return {
        passed: false,
        summary: `after powering ${master} off no standby served the VIP within ${TAKEOVER_TIMEOUT_MS / 1000} s`,
        evidence: [describe(samples, 'power off')],
        timeline,
      };
    }
    const stack = haStackOf(ctx.lab);
    const takeover = stack.takeover(ctx.lab, master);
    const mark = marks.get(taker);
    const logged = mark ? await linesSince(ctx.machines, mark, takeover.pattern) : [];
    const proven = logged.some((line) => takeover.proves(line));
    return {
      passed: proven,
      summary: proven
        ? `${taker} took over the VIP; ${describe(samples, 'power off')}`
        : `${taker} holds the VIP but its ${stack.title} log says nothing of ${takeover.expected} since the check began`,
      evidence: [
        `${timeline.events[0]!.label}; ${taker} serves ${seconds.toFixed(2)} s after the power command returned`,
        ...logged.slice(-3).map((l) => `${taker} ${stack.logFile(ctx.lab)}: ${l}`),
      ],
      timeline,
    };
  },
};

export const failbackCheck: Check = {
  id: 'V5',
  title: 'failback',
  uses: ['requests'],
  needs: (lab) => [{ need: 'power', host: masterBalancer(lab).name }],
  async run(ctx) {
    const master = masterBalancer(ctx.lab).name;
    const stack = haStackOf(ctx.lab);
    if (!stack.failsBack(ctx.lab))
      return {
        passed: true,
        summary: `${stack.title} does not fail back in this lab definition (auto_failback off): nothing to fail back`,
        evidence: [],
      };
    // Run alone (--only V5), it first needs the master down.
    if ((await ctx.provider.status()).find((m) => m.host === master)?.state === 'running') await failOver(ctx, master);
    const standby = standbys(ctx.lab)[0];
    const mark = standby ? await markLog(ctx.machines, standby, stack.logFile(ctx.lab)) : undefined;
    const { on, events, seconds, booted, all } = await underLoad(
      ctx.client,
      pageServer(ctx.lab, ctx.adopted),
      {},
      async (load) => {
        await new Promise((r) => setTimeout(r, 500));
        const on = load.samples.length;
        const booted = await markPower(load, `${master} powered on`, () => ctx.machines.powerOn(master));
        const events: TimelineEvent[] = [booted];
        const seconds = await waitUntil(
          async () => (await vipHolder(ctx)) === master && load.samples[load.samples.length - 1]?.ok === true,
          TAKEOVER_TIMEOUT_MS,
        );
        if (seconds !== undefined) events.push({ at: load.now(), label: `${master} holds the VIP` });
        await new Promise((r) => setTimeout(r, 1000));
        return { on, events, seconds, booted };
      },
    );
    const release = stack.release(ctx.lab, master);
    const released = mark
      ? (await linesSince(ctx.machines, mark, release.pattern)).filter((l) => release.proves(l)).slice(-2)
      : [];
    return {
      passed: seconds !== undefined,
      summary:
        seconds !== undefined
          ? `${master} holds the VIP again ${seconds.toFixed(2)} s after it booted; ${describe(all.slice(on), 'power on')}`
          : `${master} did not take the VIP back within ${TAKEOVER_TIMEOUT_MS / 1000} s`,
      evidence: [
        `times from the moment the power command returned: ${booted.label}`,
        ...released.map((l) => `${standby} ${stack.logFile(ctx.lab)}: ${l}`),
      ],
      timeline: { samples: all, events },
    };
  },
};
