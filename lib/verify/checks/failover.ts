// V4 and V5: the master balancer powered off under steady load (the backup takes the VIP and
// the site answers again), then powered on (with auto_failback the VIP comes back). Each
// measures the time without service and the failed requests, and reads Heartbeat's log.
import { balancers, masterBalancer, type Lab } from '../../lab/model.ts';
import type { Check, VerifyContext } from '../check.ts';
import { outageOf, startLoad, waitUntil, type Sample, type Timeline } from '../steady-load.ts';
import { vipHolder } from '../vip.ts';

const TAKEOVER_TIMEOUT_MS = 60_000;

function standbys(lab: Lab): string[] {
  return balancers(lab).filter((h) => h.role !== 'master').map((h) => h.name);
}

async function logLines(ctx: VerifyContext, host: string, pattern: string): Promise<string[]> {
  const result = await ctx.machines.exec(host, `grep -E '${pattern}' ${ctx.lab.heartbeat.logfile} 2>/dev/null || true`).catch(() => undefined);
  return (result?.stdout ?? '').split('\n').filter(Boolean);
}

/** samples: the requests sent since the moment (power off or on) that `since` names. */
function describe(samples: Sample[], since: string): string {
  const outage = outageOf(samples);
  return `${outage.seconds.toFixed(2)} s without service, ${outage.failed} of ${outage.total} requests since ${since} failed`;
}

/** Powers the master off and waits for a standby to serve; returns the samples after power off. */
async function failOver(ctx: VerifyContext, master: string): Promise<{ samples: Sample[]; timeline: Timeline; taker?: string; seconds?: number }> {
  const load = startLoad(ctx.client);
  await new Promise((r) => setTimeout(r, 1000));
  const off = load.samples.length;
  const events = [{ at: load.now(), label: `${master} powered off` }];
  await ctx.machines.powerOff(master);
  let taker: string | undefined;
  const seconds = await waitUntil(async () => {
    taker = (await vipHolder(ctx)) ?? undefined;
    return taker !== undefined && taker !== master && load.samples.slice(off).some((s) => s.ok) && load.samples[load.samples.length - 1]!.ok;
  }, TAKEOVER_TIMEOUT_MS);
  if (taker && seconds !== undefined) events.push({ at: load.now(), label: `${taker} serves` });
  await new Promise((r) => setTimeout(r, 1000));
  const all = await load.stop();
  return { samples: all.slice(off), timeline: { samples: all, events }, ...(taker ? { taker } : {}), ...(seconds !== undefined ? { seconds } : {}) };
}

export const failoverCheck: Check = {
  id: 'V4',
  title: 'master balancer fails',
  async run(ctx) {
    const master = masterBalancer(ctx.lab).name;
    const ready = await waitUntil(async () => (await vipHolder(ctx)) === master, TAKEOVER_TIMEOUT_MS);
    if (ready === undefined) return { passed: false, summary: `${master} does not hold the VIP ${ctx.lab.vip.address} to begin with`, evidence: [] };
    const deadBefore = new Map<string, number>();
    for (const host of standbys(ctx.lab)) deadBefore.set(host, (await logLines(ctx, host, `node ${master}: is dead`)).length);
    const { samples, timeline, taker, seconds } = await failOver(ctx, master);
    if (!taker || seconds === undefined) {
      return { passed: false, summary: `after powering ${master} off no standby served the VIP within ${TAKEOVER_TIMEOUT_MS / 1000} s`, evidence: [describe(samples, 'power off')], timeline };
    }
    const dead = (await logLines(ctx, taker, `node ${master}: is dead|Taking over resource`)).slice(-3);
    const logged = (await logLines(ctx, taker, `node ${master}: is dead`)).length > (deadBefore.get(taker) ?? 0);
    return {
      passed: logged,
      summary: logged ? `${taker} took over the VIP; ${describe(samples, 'power off')}` : `${taker} holds the VIP but its Heartbeat log does not say "${master}: is dead"`,
      evidence: [`${master} powered off; ${taker} serves after ${seconds.toFixed(2)} s`, ...dead.map((l) => `${taker} ${ctx.lab.heartbeat.logfile}: ${l}`)],
      timeline,
    };
  },
};

export const failbackCheck: Check = {
  id: 'V5',
  title: 'failback',
  async run(ctx) {
    const master = masterBalancer(ctx.lab).name;
    if (!ctx.lab.heartbeat.autoFailback) return { passed: true, summary: 'auto_failback is off in the lab definition: nothing to fail back', evidence: [] };
    // Run alone (--only V5), it first needs the master down.
    if ((await ctx.provider.status()).find((m) => m.host === master)?.state === 'running') await failOver(ctx, master);
    const load = startLoad(ctx.client);
    await new Promise((r) => setTimeout(r, 500));
    const on = load.samples.length;
    const events = [{ at: load.now(), label: `${master} powered on` }];
    await ctx.machines.powerOn(master);
    const seconds = await waitUntil(async () => (await vipHolder(ctx)) === master && load.samples[load.samples.length - 1]?.ok === true, TAKEOVER_TIMEOUT_MS);
    if (seconds !== undefined) events.push({ at: load.now(), label: `${master} holds the VIP` });
    await new Promise((r) => setTimeout(r, 1000));
    const all = await load.stop();
    const samples = all.slice(on);
    const released = (await logLines(ctx, standbys(ctx.lab)[0] ?? master, 'foreign resources|standby')).slice(-2);
    return {
      passed: seconds !== undefined,
      summary: seconds !== undefined ? `${master} holds the VIP again ${seconds.toFixed(2)} s after power on; ${describe(samples, 'power on')}` : `${master} did not take the VIP back within ${TAKEOVER_TIMEOUT_MS / 1000} s`,
      evidence: [...released.map((l) => `${standbys(ctx.lab)[0]} ${ctx.lab.heartbeat.logfile}: ${l}`)],
      timeline: { samples: all, events },
    };
  },
};
