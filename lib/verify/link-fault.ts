// What V8 and V9 share: the balancer whose heartbeat link they break (the first standby), the
// link in its normal state before they begin, both balancers' logs marked and quoted from the
// check's window, and the wait until one holder is left for good after the link is whole again.
import { quote } from '../engine/ssh/shell-quote.ts';
import { haStackOf } from '../../roles/components.ts';
import { balancers, masterBalancer, type Host, type Lab } from '../lab/model.ts';
import { LinkChangeUnsupported, linkIsNormal } from '../providers/provider.ts';
import type { VerifyContext } from './check.ts';
import { linesSince, markLog, type LogMark } from './log-window.ts';
import { waitUntil, type RunningLoad } from './steady-load.ts';
import { soleHolder, type VipReading } from './vip-history.ts';
import { vipHolder } from './vip.ts';

/** The balancer whose heartbeat link is broken: the first standby, which takes over when it hears the master no more. */
export function brokenBalancer(lab: Lab): Host {
  const master = masterBalancer(lab).name;
  return balancers(lab).find((h) => h.name !== master)!;
}

/**
 * How long one holder must have been the only one for the farm to count as healed: past the
 * stack's detection time plus a margin, so that a holder about to give the VIP up (Heartbeat
 * restarting after a partition) is not taken for the end of the story.
 */
export function stableSeconds(lab: Lab): number {
  return haStackOf(lab).detectionSeconds(lab) + 3;
}

/** How long the farm may take to heal once the link is whole: a restart of the stack at worst, then a settling. */
export function healTimeoutSeconds(lab: Lab): number {
  const stack = haStackOf(lab);
  return Math.ceil(stack.startupSeconds(lab) + stack.detectionSeconds(lab) + stableSeconds(lab) + 20);
}

/** Why the check cannot begin (the master not holding the VIP, the link not normal), or undefined. */
export async function notReady(ctx: VerifyContext, broken: Host): Promise<string | undefined> {
  const master = masterBalancer(ctx.lab).name;
  if ((await waitUntil(async () => (await vipHolder(ctx)) === master, 60_000, 250)) === undefined)
    return `${master} does not hold the VIP ${ctx.lab.vip.address} to begin with`;
  const link = (await ctx.provider.links()).find((l) => l.host === broken.name && l.network === 'heartbeat');
  if (!link) return `${broken.name} has no heartbeat link that ${ctx.provider.name} can show`;
  if (!linkIsNormal(link))
    return `${broken.name}'s heartbeat link is not in its normal state to begin with (npm run lab:link -- ${broken.name} heartbeat up, then clear)`;
  // A provider that cannot drop a link's packets says so now, before any capture or load starts.
  try {
    await ctx.provider.setLink(broken.name, 'heartbeat', { kind: 'loss', percent: 0 });
  } catch (error) {
    if (error instanceof LinkChangeUnsupported) return error.message;
    throw error;
  }
  return undefined;
}

/** Each balancer's MAC on the LAN, to tell from ARP and from the client's ARP entry which one it is. */
export async function balancerMacs(ctx: VerifyContext): Promise<Map<string, string>> {
  const macs = new Map<string, string>();
  for (const h of balancers(ctx.lab)) macs.set((await ctx.machines.macWith(h.name, h.lan)).toLowerCase(), h.name);
  return macs;
}

/** The stack's log marked on every balancer: the check's window opens here. */
export async function markBalancerLogs(ctx: VerifyContext): Promise<LogMark[]> {
  const file = haStackOf(ctx.lab).logFile(ctx.lab);
  return Promise.all(balancers(ctx.lab).map((h) => markLog(ctx.machines, h.name, file)));
}

/** The stack's lines of peers lost and found and of the VIP taken and given up, on every balancer, since the marks: the last `per` of each. */
export async function peerEvidence(ctx: VerifyContext, marks: LogMark[], per = 6): Promise<string[]> {
  const stack = haStackOf(ctx.lab);
  const lines: string[] = [];
  for (const mark of marks) {
    const said = await linesSince(ctx.machines, mark, stack.peerEvents(ctx.lab)).catch((error: Error) => [
      `(its log could not be read: ${error.message})`,
    ]);
    lines.push(
      ...(said.length === 0
        ? [`${mark.host} ${mark.file}: nothing of its peer since the check began`]
        : said.slice(-per).map((l) => `${mark.host} ${mark.file}: ${l}`)),
    );
  }
  return lines;
}

/**
 * Waits, the link whole again at `wholeAt`, until one balancer has held the VIP alone for
 * stableSeconds since then and the site answers; that balancer and since when it has, or
 * undefined after healTimeoutSeconds.
 */
export async function waitHealed(
  lab: Lab,
  load: Pick<RunningLoad, 'samples'>,
  readings: VipReading[],
  wholeAt: number,
): Promise<{ host: string; since: number } | undefined> {
  let sole: { host: string; since: number } | undefined;
  const healed = await waitUntil(
    async () => {
      sole = soleHolder(readings, stableSeconds(lab), wholeAt);
      return sole !== undefined && load.samples[load.samples.length - 1]?.ok === true;
    },
    healTimeoutSeconds(lab) * 1000,
    250,
  );
  return healed === undefined ? undefined : sole;
}

/**
 * The farm put back as the check found it when the stack did not heal by itself (seen: Heartbeat
 * after a lossy link, both balancers holding the VIP until one restarted): the stack restarted on
 * the broken balancer, then the same wait. What was done, in words, and the holder if it healed.
 */
export async function healByRestart(
  ctx: VerifyContext,
  broken: Host,
  load: Pick<RunningLoad, 'samples' | 'now'>,
  readings: VipReading[],
): Promise<{ said: string; healed?: { host: string; since: number } }> {
  const stack = haStackOf(ctx.lab);
  const service = quote(stack.service);
  const restartedAt = load.now();
  await ctx.machines.exec(broken.name, `service ${service} stop; sleep 1; service ${service} start`, {
    timeoutMs: 60_000,
  });
  const healed = await waitHealed(ctx.lab, load, readings, restartedAt);
  const said = `not healed by itself within ${healTimeoutSeconds(ctx.lab)} s: hafarm restarted ${stack.title} on ${broken.name}${healed ? `, then ${healed.host} alone held the VIP` : ', and still no single holder'}`;
  return { said, ...(healed ? { healed } : {}) };
}

/** The broken balancer's heartbeat loss, set and remembered, so that the check's end clears only what it set. */
export function heartbeatLoss(
  ctx: Pick<VerifyContext, 'provider'>,
  broken: Host,
): { set(percent: number): Promise<void>; clear(): Promise<void> } {
  let set = false;
  const apply = async (percent: number) => {
    await ctx.provider.setLink(broken.name, 'heartbeat', { kind: 'loss', percent });
    set = percent > 0;
  };
  return { set: apply, clear: async () => (set ? apply(0).catch(() => undefined) : undefined) };
}
