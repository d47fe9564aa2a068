// The lab's hosts as the engine's inventory: each host in the group its role puts it in.
import type { InventoryHost } from '../lib/engine/inventory.ts';
import { isBalancer, type Host, type Lab } from '../lib/lab/model.ts';

/** The groups this farm's plays name: "all" (every host, the engine's) and the two kinds of host. */
export type FarmGroup = 'all' | 'balancers' | 'web';

export function inventoryHost(host: Host): InventoryHost {
  const group: FarmGroup = isBalancer(host) ? 'balancers' : 'web';
  return { name: host.name, groups: [group] };
}

export function labInventory(lab: Lab): InventoryHost[] {
  return lab.hosts.map(inventoryHost);
}
