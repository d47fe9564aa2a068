// What every role of this farm is given on a host: the lab, the host, its facts and the lab's
// secrets. The engine's roles are generic over their context; these are the farm's.
import type { Facts } from '../lib/engine/facts.ts';
import type { InventoryHost } from '../lib/engine/inventory.ts';
import type { Play as EnginePlay, Role as EngineRole } from '../lib/engine/role.ts';
import type { ContextOf } from '../lib/engine/run-play.ts';
import { findHost, type Host, type Lab } from '../lib/lab/model.ts';
import type { LabSecrets } from '../lib/state/lab-secrets.ts';
import type { FarmGroup } from './lab-inventory.ts';

export interface RoleContext {
  lab: Lab;
  host: Host;
  facts: Facts;
  /** per-lab generated values: passwords and keys */
  secrets: LabSecrets;
}

export type Role = EngineRole<RoleContext>;
export type Play = EnginePlay<RoleContext, FarmGroup>;

/** Each inventory host's context: the lab's host of that name, given the facts gathered on it. */
export function roleContexts(lab: Lab, secrets: LabSecrets): ContextOf<RoleContext> {
  return (host: InventoryHost, facts: Facts) => ({ lab, host: findHost(lab, host.name), facts, secrets });
}
