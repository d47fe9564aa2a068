// After a provision, the farm serves only once the HA stack has put the VIP on the master (right
// after a start Heartbeat first waits `initdead` for its peer). lab:provision waits for that, from the
// same LAN client lab:verify uses, so a user who opens the site when it returns gets an answer.
import type { KnownHosts } from '../engine/ssh/known-hosts.ts';
import { haStackOf } from '../../roles/components.ts';
import { masterBalancer, type Lab } from '../lab/model.ts';
import type { LabProvider } from '../providers/provider.ts';
import { labMachines } from './transport/lab-machines.ts';
import { chooseVantage } from './vantage.ts';
import { vipHolder, waitSettled } from './vip.ts';

/** How long a farm whose HA stack just started may take to serve: the stack's own bound, and 10 s for HAProxy and the first answers. */
export function servingBoundMs(lab: Lab): number {
  return (haStackOf(lab).startupSeconds(lab) + 10) * 1000;
}

export type FarmServes = { serves: true; holder: string; seconds: number } | { serves: false; problem: string };

/** Waits until the VIP is where it belongs and the site answers through it, at most servingBoundMs. */
export async function awaitFarm(
  lab: Lab,
  provider: LabProvider,
  knownHosts: KnownHosts,
  reportDir: string,
): Promise<FarmServes> {
  const vantage = chooseVantage(lab, provider, knownHosts, reportDir);
  if ('problem' in vantage) return { serves: false, problem: vantage.problem };
  const machines = labMachines(provider, knownHosts);
  const farm = { lab, machines, client: vantage.client };
  const start = performance.now();
  try {
    const holder = await waitSettled(farm, servingBoundMs(lab));
    if (holder !== undefined) return { serves: true, holder, seconds: (performance.now() - start) / 1000 };
    const now = await vipHolder(farm);
    const failsBack = haStackOf(lab).failsBack(lab);
    const expected = failsBack ? masterBalancer(lab).name : 'a balancer';
    const problem =
      now === undefined
        ? `no balancer holds the VIP ${lab.vip.address}`
        : now !== expected && failsBack
          ? `${now} holds the VIP, not ${expected}`
          : `${lab.vip.name} (${lab.vip.address}) does not answer`;
    return { serves: false, problem: `${problem} after ${servingBoundMs(lab) / 1000} s` };
  } catch (error) {
    return { serves: false, problem: (error as Error).message };
  } finally {
    machines.closeAll();
    await vantage.close().catch(() => undefined);
  }
}
