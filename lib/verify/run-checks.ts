// Runs the checks in the tutorial's order and leaves the lab as it found it: every machine that
// was running before is running after, also when a check failed or threw, and the farm has
// settled again (the VIP back where auto_failback puts it) before the command returns.
import type { Check, CheckResult, VerifyContext } from './check.ts';
import { roundRobinCheck } from './checks/round-robin.ts';
import { statsPageCheck } from './checks/stats-page.ts';
import { failbackCheck, failoverCheck } from './checks/failover.ts';
import { heartbeatWireCheck } from './checks/heartbeat-wire.ts';
import { webDownCheck } from './checks/web-down.ts';
import { waitSettled } from './vip.ts';

const SETTLE_TIMEOUT_MS = 60_000;

export const CHECKS: Check[] = [roundRobinCheck, statsPageCheck, webDownCheck, failoverCheck, failbackCheck, heartbeatWireCheck];

export interface ChecksRun {
  results: CheckResult[];
  /** the signal that stopped the run, if one did */
  interruptedBy?: string;
}

/**
 * Runs the selected checks. When `interrupted` resolves, the check under way is abandoned (its
 * power operations are refused from then on) and the lab is restored all the same.
 */
export async function runChecks(ctx: VerifyContext, only: string[], onResult: (result: CheckResult) => void, interrupted: Promise<string> = new Promise(() => undefined)): Promise<ChecksRun> {
  const selected = CHECKS.filter((c) => only.length === 0 || [c.id, ...(c.also ?? [])].some((id) => only.includes(id)));
  const running = new Set((await ctx.provider.status()).filter((m) => m.state === 'running').map((m) => m.host));
  const results: CheckResult[] = [];
  let interruptedBy: string | undefined;
  const stop = interrupted.then((signal) => ({ signal }));
  try {
    // Right after provisioning Heartbeat may still be starting (initdead) and no balancer holds
    // the VIP yet: every check begins from a settled farm. One that never settles still runs the
    // checks, which say what is wrong.
    const settled = await Promise.race([waitSettled(ctx, SETTLE_TIMEOUT_MS).then(() => ({})), stop]);
    if ('signal' in settled) interruptedBy = settled.signal;
    for (const check of interruptedBy ? [] : selected) {
      let result: CheckResult;
      try {
        const outcome = await Promise.race([check.run(ctx).then((r) => ({ r })), stop]);
        if ('signal' in outcome) {
          interruptedBy = outcome.signal;
          await ctx.machines.stopPowerOperations();
          break;
        }
        result = { id: check.id, title: check.title, ...outcome.r };
      } catch (error) {
        result = { id: check.id, title: check.title, passed: false, summary: `the check could not run: ${(error as Error).message}`, evidence: [] };
      }
      results.push(result);
      onResult(result);
    }
  } finally {
    await restoreLab(ctx, running);
  }
  return { results, ...(interruptedBy ? { interruptedBy } : {}) };
}

/** Powers on every machine that ran before the checks and waits for the farm to settle. */
async function restoreLab(ctx: VerifyContext, running: Set<string>): Promise<void> {
  let restored = false;
  for (const machine of await ctx.provider.status()) {
    if (running.has(machine.host) && machine.state !== 'running') {
      await ctx.machines.restore(machine.host);
      restored = true;
    }
  }
  if (restored) await waitSettled(ctx, SETTLE_TIMEOUT_MS);
  ctx.machines.closeAll();
}
