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
import { asIs, type Speaker, type Words } from '../said.ts';

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

/** Why a check that breaks a link cannot begin. */
export type NotReady =
  | { why: 'no VIP'; master: string; vip: string }
  | { why: 'no link'; host: string; provider: string }
  | { why: 'link not normal'; host: string };

/** A NotReady in words. */
export function notReadyWords(reason: NotReady, say: Speaker): Words {
  switch (reason.why) {
    case 'no VIP':
      return say(
        `${reason.master} does not hold the VIP ${reason.vip} to begin with`,
        `${reason.master} no tiene la VIP ${reason.vip} al empezar`,
      );
    case 'no link':
      return say(
        `${reason.host} has no heartbeat link that ${reason.provider} can show`,
        `${reason.host} no tiene ningún enlace de latidos que ${reason.provider} pueda mostrar`,
      );
    case 'link not normal':
      return say(
        `${reason.host}'s heartbeat link is not in its normal state to begin with (npm run lab:link -- ${reason.host} heartbeat up, then clear)`,
        `el enlace de latidos de ${reason.host} no está en su estado normal al empezar (npm run lab:link -- ${reason.host} heartbeat up, y después clear)`,
      );
  }
}

/** Why the check cannot begin (the master not holding the VIP, the link not normal), or undefined. */
export async function notReady(ctx: VerifyContext, broken: Host): Promise<Words | undefined> {
  const master = masterBalancer(ctx.lab).name;
  if ((await waitUntil(async () => (await vipHolder(ctx)) === master, 60_000, 250)) === undefined)
    return notReadyWords({ why: 'no VIP', master, vip: ctx.lab.vip.address }, ctx.say);
  const link = (await ctx.provider.links()).find((l) => l.host === broken.name && l.network === 'heartbeat');
  if (!link) return notReadyWords({ why: 'no link', host: broken.name, provider: ctx.provider.name }, ctx.say);
  if (!linkIsNormal(link)) return notReadyWords({ why: 'link not normal', host: broken.name }, ctx.say);
  // A provider that cannot drop a link's packets says so now, before any capture or load starts.
  try {
    await ctx.provider.setLink(broken.name, 'heartbeat', { kind: 'loss', percent: 0 });
  } catch (error) {
    // the provider's own words, as it threw them
    if (error instanceof LinkChangeUnsupported) return asIs(error.message);
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
  return Promise.all(balancers(ctx.lab).map((h) => markLog(ctx.machines, h.name, file, ctx.say)));
}

/**
 * One balancer's log lines since its mark, as the evidence quotes them: the last `per` lines as
 * they are, or that there were none, or why the log could not be read.
 */
export function peerLines(
  mark: Pick<LogMark, 'host' | 'file'>,
  read: { lines: string[] } | { error: string },
  per: number,
  say: Speaker,
): Words[] {
  const at = `${mark.host} ${mark.file}`;
  if ('error' in read)
    return [say(`${at}: (its log could not be read: ${read.error})`, `${at}: (no pudo leerse su log: ${read.error})`)];
  if (read.lines.length === 0)
    return [
      say(`${at}: nothing of its peer since the check began`, `${at}: nada de su par desde que empezó la comprobación`),
    ];
  return read.lines.slice(-per).map((line) => asIs(`${at}: ${line}`));
}

/** The stack's lines of peers lost and found and of the VIP taken and given up, on every balancer, since the marks: the last `per` of each. */
export async function peerEvidence(ctx: VerifyContext, marks: LogMark[], per = 6): Promise<Words[]> {
  const stack = haStackOf(ctx.lab);
  const lines: Words[] = [];
  for (const mark of marks) {
    const read = await linesSince(ctx.machines, mark, stack.peerEvents(ctx.lab)).then(
      (lines) => ({ lines }),
      (error: Error) => ({ error: error.message }),
    );
    lines.push(...peerLines(mark, read, per, ctx.say));
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

/** A timeline's mark: one balancer left holding the VIP, after hafarm restarted the stack on another if it did. */
export function aloneHolds(host: string, say: Speaker, restarted?: { stack: string; on: string }): Words {
  return restarted
    ? say(
        `${host} alone holds the VIP (${restarted.stack} restarted on ${restarted.on})`,
        `solo ${host} tiene la VIP (${restarted.stack} reiniciado en ${restarted.on})`,
      )
    : say(`${host} alone holds the VIP`, `solo ${host} tiene la VIP`);
}

/** What hafarm did when the farm did not heal by itself, and how that ended. */
export function restartWords(
  restart: { timeoutSeconds: number; stack: string; on: string; healedHost?: string },
  say: Speaker,
): Words {
  const { timeoutSeconds, stack, on, healedHost } = restart;
  return healedHost
    ? say(
        `not healed by itself within ${timeoutSeconds} s: hafarm restarted ${stack} on ${on}, then ${healedHost} alone held the VIP`,
        `la granja no se recuperó por sí sola en ${timeoutSeconds} s: hafarm reinició ${stack} en ${on}, y después solo ${healedHost} tuvo la VIP`,
      )
    : say(
        `not healed by itself within ${timeoutSeconds} s: hafarm restarted ${stack} on ${on}, and still no single holder`,
        `la granja no se recuperó por sí sola en ${timeoutSeconds} s: hafarm reinició ${stack} en ${on}, y aun así no quedó un único titular`,
      );
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
): Promise<{ said: Words; healed?: { host: string; since: number } }> {
  const stack = haStackOf(ctx.lab);
  const service = quote(stack.service);
  const restartedAt = load.now();
  await ctx.machines.exec(broken.name, `service ${service} stop; sleep 1; service ${service} start`, {
    timeoutMs: 60_000,
  });
  const healed = await waitHealed(ctx.lab, load, readings, restartedAt);
  const said = restartWords(
    {
      timeoutSeconds: healTimeoutSeconds(ctx.lab),
      stack: stack.title,
      on: broken.name,
      ...(healed ? { healedHost: healed.host } : {}),
    },
    ctx.say,
  );
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
