// Who holds the VIP, and whether the farm has settled: the state the tutorial starts from and
// every check leaves behind. Settled means the VIP is on the master (on any balancer when
// the HA stack does not fail back) and the site answers; right after a power cycle or a provision that
// restarted Heartbeat, the VIP may still be on its way.
import { haStackOf } from '../../roles/components.ts';
import { balancers, masterBalancer } from '../lab/model.ts';
import type { VerifyContext } from './check.ts';
import { waitUntil } from './steady-load.ts';

type Farm = Pick<VerifyContext, 'lab' | 'machines' | 'client'>;

export function vipHolder(farm: Pick<VerifyContext, 'lab' | 'machines'>): Promise<string | undefined> {
  return farm.machines.holderOf(
    balancers(farm.lab).map((h) => h.name),
    farm.lab.vip.address,
  );
}

/** Waits until the farm has settled; the holder of the VIP, or undefined after timeoutMs. */
export async function waitSettled(farm: Farm, timeoutMs: number): Promise<string | undefined> {
  const master = masterBalancer(farm.lab).name;
  let holder: string | undefined;
  const settled = await waitUntil(
    async () => {
      holder = await vipHolder(farm);
      if (!holder || (haStackOf(farm.lab).failsBack(farm.lab) && holder !== master)) return false;
      return (await farm.client.get())?.status === 200;
    },
    timeoutMs,
    250,
  );
  return settled === undefined ? undefined : holder;
}
