// V4 and V5: the master balancer powered off under steady load (the backup takes the VIP and
// the site answers again), then powered on (where the stack fails back, the VIP comes back).
// Each measures the time without service and the failed requests, and quotes the HA stack's log
// lines written during the check, never older ones; which lines prove what is the stack's.
import { haStackOf } from '../../../roles/components.ts';
import { balancers, masterBalancer, type Lab } from '../../lab/model.ts';
import type { Check, VerifyContext } from '../check.ts';
import { asIs, type Speaker, type Words } from '../../said.ts';
import { linesSince, markLog, type LogMark } from '../log-window.ts';
import { pageServer } from '../../../roles/nginx/page-server.ts';
import {
  markPower,
  outageOf,
  powered,
  underLoad,
  waitUntil,
  type Outage,
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
    marks.set(host, await markLog(ctx.machines, host, haStackOf(ctx.lab).logFile(ctx.lab), ctx.say));
  return marks;
}

/** The requests sent since the moment (power off or on) that `since` names: time without service, failures. */
export function describeOutage(outage: Outage, since: 'power off' | 'power on', say: Speaker): Words {
  const seconds = outage.seconds.toFixed(2);
  const failed = outage.failed === 1 ? 'falló' : 'fallaron';
  const requests = outage.total === 1 ? 'petición' : 'peticiones';
  const moment = since === 'power off' ? 'el apagado' : 'el encendido';
  return say(
    `${seconds} s without service, ${outage.failed} of ${outage.total} requests since ${since} failed`,
    `${seconds} s sin servicio, desde ${moment} ${failed} ${outage.failed} de ${outage.total} ${requests}`,
  );
}

function describe(samples: Sample[], since: 'power off' | 'power on', say: Speaker): Words {
  return describeOutage(outageOf(samples), since, say);
}

/** The timeline's mark of the moment a balancer answers for the VIP. */
export function serves(host: string, say: Speaker): Words {
  return say(`${host} serves`, `${host} da servicio`);
}

/** The timeline's mark of the moment the master holds the VIP again (V5). */
export function holdsVip(host: string, say: Speaker): Words {
  return say(`${host} holds the VIP`, `${host} tiene la VIP`);
}

/** Why V4 does not begin: the master does not hold the VIP. */
export function masterWithoutVip(master: string, vip: string, say: Speaker): Words {
  return say(`${master} does not hold the VIP ${vip} to begin with`, `${master} no tiene la VIP ${vip} al empezar`);
}

/** V4 failed: no standby answered for the VIP within the timeout. */
export function noTakeover(master: string, timeoutMs: number, say: Speaker): Words {
  const s = timeoutMs / 1000;
  return say(
    `after powering ${master} off no standby served the VIP within ${s} s`,
    `tras apagar ${master}, ningún balanceador de respaldo atendió la VIP en ${s} s`,
  );
}

/** V4's one line: the standby took over (with the outage), or its log does not say so. */
export function takeoverSummary(
  taken: { taker: string; proven: boolean; stack: string; expected: Words; outage: Words },
  say: Speaker,
): Words {
  const { taker, stack, expected, outage } = taken;
  return taken.proven
    ? say(`${taker} took over the VIP; ${outage}`, `${taker} se hizo cargo de la VIP; ${outage}`)
    : say(
        `${taker} holds the VIP but its ${stack} log says nothing of ${expected} since the check began`,
        `${taker} tiene la VIP, pero su log de ${stack} no dice nada de ${expected} desde que empezó la comprobación`,
      );
}

/** V4's evidence: when the standby served, after the power command. */
export function takerServes(off: Words, taker: string, seconds: number, say: Speaker): Words {
  const s = seconds.toFixed(2);
  return say(
    `${off}; ${taker} serves ${s} s after the power command returned`,
    `${off}; ${taker} da servicio ${s} s después de terminar la orden de apagado`,
  );
}

/** A line of the stack's log, quoted as it is with its machine and file. */
function logLine(host: string | undefined, file: string, line: string): Words {
  return asIs(`${host} ${file}: ${line}`);
}

/** V5 passed nothing to do: the stack does not fail back in this definition. */
export function noFailback(stack: string, say: Speaker): Words {
  return say(
    `${stack} does not fail back in this lab definition (auto_failback off): nothing to fail back`,
    `${stack} no hace recuperación (failback) en esta definición del laboratorio (auto_failback off): no hay nada que recuperar`,
  );
}

/** V5's one line: the master holds the VIP again (with the outage since power on), or not within the timeout. */
export function failbackSummary(
  master: string,
  seconds: number | undefined,
  outage: Words,
  timeoutMs: number,
  say: Speaker,
): Words {
  if (seconds === undefined)
    return say(
      `${master} did not take the VIP back within ${timeoutMs / 1000} s`,
      `${master} no recuperó la VIP en ${timeoutMs / 1000} s`,
    );
  const s = seconds.toFixed(2);
  return say(
    `${master} holds the VIP again ${s} s after it booted; ${outage}`,
    `${master} vuelve a tener la VIP ${s} s después de arrancar; ${outage}`,
  );
}

/** V5's evidence: where its times count from. */
export function powerOnReturned(booted: Words, say: Speaker): Words {
  return say(
    `times from the moment the power command returned: ${booted}`,
    `tiempos contados desde que terminó la orden de encendido: ${booted}`,
  );
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
        await markPower(load, powered(master, false, ctx.say), () => ctx.machines.powerOff(master), ctx.say),
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
      if (taker && seconds !== undefined) events.push({ at: load.now(), label: serves(taker, ctx.say) });
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
  title: { en: 'master balancer fails', es: 'falla el balanceador maestro' },
  uses: ['requests'],
  needs: (lab) => [{ need: 'power', host: masterBalancer(lab).name }],
  async run(ctx) {
    const say = ctx.say;
    const master = masterBalancer(ctx.lab).name;
    const ready = await waitUntil(async () => (await vipHolder(ctx)) === master, TAKEOVER_TIMEOUT_MS);
    if (ready === undefined)
      return {
        passed: false,
        summary: masterWithoutVip(master, ctx.lab.vip.address, say),
        evidence: [],
      };
    const marks = await markStandbyLogs(ctx);
    const { samples, timeline, taker, seconds } = await failOver(ctx, master);
    if (!taker || seconds === undefined) {
      return {
        passed: false,
        summary: noTakeover(master, TAKEOVER_TIMEOUT_MS, say),
        evidence: [describe(samples, 'power off', say)],
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
      summary: takeoverSummary(
        {
          taker,
          proven,
          stack: stack.title,
          expected: say.said(takeover.expected),
          outage: describe(samples, 'power off', say),
        },
        say,
      ),
      evidence: [
        takerServes(timeline.events[0]!.label, taker, seconds, say),
        ...logged.slice(-3).map((l) => logLine(taker, stack.logFile(ctx.lab), l)),
      ],
      timeline,
    };
  },
};

export const failbackCheck: Check = {
  id: 'V5',
  title: { en: 'failback', es: 'recuperación (failback)' },
  uses: ['requests'],
  needs: (lab) => [{ need: 'power', host: masterBalancer(lab).name }],
  async run(ctx) {
    const say = ctx.say;
    const master = masterBalancer(ctx.lab).name;
    const stack = haStackOf(ctx.lab);
    if (!stack.failsBack(ctx.lab))
      return {
        passed: true,
        summary: noFailback(stack.title, say),
        evidence: [],
      };
    // Run alone (--only V5), it first needs the master down.
    if ((await ctx.provider.status()).find((m) => m.host === master)?.state === 'running') await failOver(ctx, master);
    const standby = standbys(ctx.lab)[0];
    const mark = standby ? await markLog(ctx.machines, standby, stack.logFile(ctx.lab), ctx.say) : undefined;
    const { on, events, seconds, booted, all } = await underLoad(
      ctx.client,
      pageServer(ctx.lab, ctx.adopted),
      {},
      async (load) => {
        await new Promise((r) => setTimeout(r, 500));
        const on = load.samples.length;
        const booted = await markPower(load, powered(master, true, say), () => ctx.machines.powerOn(master), say);
        const events: TimelineEvent[] = [booted];
        const seconds = await waitUntil(
          async () => (await vipHolder(ctx)) === master && load.samples[load.samples.length - 1]?.ok === true,
          TAKEOVER_TIMEOUT_MS,
        );
        if (seconds !== undefined) events.push({ at: load.now(), label: holdsVip(master, say) });
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
      summary: failbackSummary(master, seconds, describe(all.slice(on), 'power on', say), TAKEOVER_TIMEOUT_MS, say),
      evidence: [
        powerOnReturned(booted.label, say),
        ...released.map((l) => logLine(standby, stack.logFile(ctx.lab), l)),
      ],
      timeline: { samples: all, events },
    };
  },
};
