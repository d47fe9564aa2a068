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

export async function runChecks(ctx: VerifyContext, only: string[], onResult: (result: CheckResult) => void): Promise<CheckResult[]> {
  const selected = CHECKS.filter((c) => only.length === 0 || [c.id, ...(c.also ?? [])].some((id) => only.includes(id)));
  const running = new Set((await ctx.provider.status()).filter((m) => m.state === 'running').map((m) => m.host));
  const results: CheckResult[] = [];
  try {
    for (const check of selected) {
      let result: CheckResult;
      try {
        result = { id: check.id, title: check.title, ...(await check.run(ctx)) };
      } catch (error) {
        result = { id: check.id, title: check.title, passed: false, summary: `the check could not run: ${(error as Error).message}`, evidence: [] };
      }
      results.push(result);
      onResult(result);
    }
  } finally {
    let restored = false;
    for (const machine of await ctx.provider.status()) {
      if (running.has(machine.host) && machine.state !== 'running') {
        await ctx.machines.powerOn(machine.host);
        restored = true;
      }
    }
    if (restored) await waitSettled(ctx, SETTLE_TIMEOUT_MS);
    ctx.machines.closeAll();
  }
  return results;
}
