// Runs the checks in the tutorial's order and leaves the lab as it found it: every machine that
// was running before is running after, every link is as it was (V8, V9 break them), also when a
// check failed or threw, and the farm has
// settled again (the VIP back where auto_failback puts it) before the command returns. A check
// that throws (a program missing, a machine that does not answer) is that check's FAIL, never
// the end of the run.
import type { Check, CheckResult, VerifyContext } from './check.ts';
import { balancingCheck } from './checks/balancing.ts';
import { statsPageCheck } from './checks/stats-page.ts';
import { failbackCheck, failoverCheck } from './checks/failover.ts';
import { haWireCheck } from './checks/ha-wire.ts';
import { webDownCheck } from './checks/web-down.ts';
import { splitBrainCheck } from './checks/split-brain.ts';
import { lossyHeartbeatCheck } from './checks/lossy-heartbeat.ts';
import { restoreLinks } from './link-restore.ts';
import type { LabProvider, LinkState } from '../providers/provider.ts';
import { waitSettled } from './vip.ts';
import { joinWords, type Words } from '../said.ts';

const SETTLE_TIMEOUT_MS = 60_000;

export const CHECKS: Check[] = [
  balancingCheck,
  statsPageCheck,
  webDownCheck,
  failoverCheck,
  failbackCheck,
  haWireCheck,
  splitBrainCheck,
  lossyHeartbeatCheck,
];

/** Every ID a check answers to: its own and those it proves too. */
export function checkIds(check: Check): string[] {
  return [check.id, ...(check.also ?? [])];
}

/**
 * The checks a run does: those `only` names, or else the tutorial's (every check not run only
 * when asked), with those run only when asked too when `faults` is set.
 */
export function selectChecks(checks: Check[], only: string[], faults = false): Check[] {
  if (only.length > 0) return checks.filter((c) => checkIds(c).some((id) => only.includes(id)));
  return checks.filter((c) => faults || !c.onlyWhenAsked);
}

export interface ChecksRun {
  results: CheckResult[];
  /** the signal that stopped the run, if one did */
  interruptedBy?: string;
  /** what could not be put back as it was (a machine that would not power on, a farm that did not settle) */
  restoreProblems: Words[];
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs the selected checks. When `interrupted` resolves, the check under way is abandoned (its
 * power and link operations are refused from then on) and the lab is restored all the same.
 */
export async function runChecks(
  ctx: VerifyContext,
  only: string[],
  onResult: (result: CheckResult) => void,
  interrupted: Promise<string> = new Promise(() => undefined),
  checks: Check[] = CHECKS,
  faults = false,
): Promise<ChecksRun> {
  const selected = selectChecks(checks, only, faults);
  const running = new Set((await ctx.provider.status()).filter((m) => m.state === 'running').map((m) => m.host));
  // Read only when a check will change them: reading every link takes a provider some commands.
  const links: LinkState[] | undefined = selected.some((c) => c.changesLinks) ? await ctx.provider.links() : undefined;
  const results: CheckResult[] = [];
  const restoreProblems: Words[] = [];
  const { say } = ctx;
  let interruptedBy: string | undefined;
  const stop = interrupted.then((signal) => ({ signal }));
  // The checks change links through this provider: once the run is interrupted, an abandoned
  // check that goes on in the background must not degrade a link the restore has put back.
  let linksStopped = false;
  let completed = false;
  const checkCtx: VerifyContext = {
    ...ctx,
    provider: new Proxy(ctx.provider, {
      get(target, property) {
        if (property === 'setLink') {
          return (...args: Parameters<LabProvider['setLink']>) =>
            linksStopped
              ? Promise.reject(new Error('lab:verify was interrupted: no more link changes'))
              : target.setLink(...args);
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
  };
  try {
    // Right after provisioning Heartbeat may still be starting (initdead) and no balancer holds
    // the VIP yet: every check begins from a settled farm. One that never settles (or cannot be
    // asked) still runs the checks, which say what is wrong.
    const settled = await Promise.race([
      waitSettled(ctx, SETTLE_TIMEOUT_MS).then(
        () => ({}),
        () => ({}),
      ),
      stop,
    ]);
    if ('signal' in settled) interruptedBy = settled.signal;
    for (const check of interruptedBy ? [] : selected) {
      const title = say.said(check.titleFor?.(ctx.lab) ?? check.title);
      const cannot = whyNotRunnable(ctx, check);
      if (cannot) {
        const result = {
          id: check.id,
          title,
          passed: false,
          notRun: cannot,
          summary: say(`not run: ${cannot}`, `no ejecutada: ${cannot}`),
          evidence: [],
        };
        results.push(result);
        onResult(result);
        continue;
      }
      let result: CheckResult;
      try {
        const outcome = await Promise.race([check.run(checkCtx).then((r) => ({ r })), stop]);
        if ('signal' in outcome) {
          interruptedBy = outcome.signal;
          linksStopped = true;
          await ctx.machines.stopPowerOperations();
          break;
        }
        result = { id: check.id, title, ...outcome.r };
      } catch (error) {
        result = {
          id: check.id,
          title,
          passed: false,
          summary: say(
            `the check could not run: ${reason(error)}`,
            `la comprobación no pudo ejecutarse: ${reason(error)}`,
          ),
          evidence: [],
        };
        // What it powered off is powered on before the next check begins (its links just below).
        restoreProblems.push(...(await restoreLab(ctx, running)));
      }
      if (links && check.changesLinks) restoreProblems.push(...(await restoreLinks(ctx.provider, links, say)));
      results.push(result);
      onResult(result);
    }
    completed = interruptedBy === undefined;
  } finally {
    // Each check that changes links put them back after itself; an interrupted or broken run
    // has not had that chance.
    if (links && !completed) restoreProblems.push(...(await restoreLinks(ctx.provider, links, say)));
    restoreProblems.push(...(await restoreLab(ctx, running)));
    ctx.machines.closeAll();
  }
  return { results, restoreProblems: [...new Set(restoreProblems)], ...(interruptedBy ? { interruptedBy } : {}) };
}

/** What the provider cannot do that the check needs, said once per reason; undefined when it can do it all. */
function whyNotRunnable(ctx: VerifyContext, check: Check): Words | undefined {
  const reasons = [
    ...(check.uses ?? []).flatMap((use) => ctx.lacking?.[use] ?? []),
    ...(check.needs?.(ctx.lab) ?? []).flatMap(({ need, host }) => ctx.provider.cannot?.(need, host) ?? []),
  ].map((said) => ctx.say.said(said));
  return reasons.length > 0 ? joinWords([...new Set(reasons)], '; ') : undefined;
}

/** Powers on every machine that ran before the checks and waits for the farm to settle; what could not be done. */
async function restoreLab(ctx: VerifyContext, running: Set<string>): Promise<Words[]> {
  const { say } = ctx;
  const problems: Words[] = [];
  let restored: string[] = [];
  try {
    const off = (await ctx.provider.status())
      .filter((m) => running.has(m.host) && m.state !== 'running')
      .map((m) => m.host);
    for (const host of off) {
      try {
        await ctx.machines.restore(host);
        restored.push(host);
      } catch (error) {
        problems.push(
          say(
            `${host} could not be powered on again: ${reason(error)}`,
            `${host} no pudo encenderse de nuevo: ${reason(error)}`,
          ),
        );
      }
    }
  } catch (error) {
    problems.push(
      say(
        `the machines' state could not be read to restore them: ${reason(error)}`,
        `no pudo leerse el estado de las máquinas para restaurarlas: ${reason(error)}`,
      ),
    );
    restored = [];
  }
  if (restored.length > 0) {
    const holder = await waitSettled(ctx, SETTLE_TIMEOUT_MS).catch(() => undefined);
    if (holder === undefined)
      problems.push(
        say(
          `after powering ${restored.join(', ')} on again the farm did not settle within ${SETTLE_TIMEOUT_MS / 1000} s`,
          `tras encender de nuevo ${restored.join(', ')} la granja no se estabilizó en ${SETTLE_TIMEOUT_MS / 1000} s`,
        ),
      );
  }
  return problems;
}
