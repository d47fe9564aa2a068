// What every role of this farm is given on a host: the lab, the host, its facts and the lab's
// secrets. The engine's roles are generic over their context; these are the farm's.
import { interfaceHolding, type Facts } from '../lib/engine/facts.ts';
import type { InventoryHost } from '../lib/engine/inventory.ts';
import type { Play as EnginePlay, Role as EngineRole } from '../lib/engine/role.ts';
import type { ContextOf } from '../lib/engine/run-play.ts';
import { findHost, type Host, type Lab } from '../lib/lab/model.ts';
import type { LabSecrets } from '../lib/state/secret-spec.ts';
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

// T3: interface names are read from the machine (the one holding the address), never assumed;
// only without a machine (lab:render) or before the address exists do the definition's names apply.
export function lanInterface(ctx: RoleContext): string {
  return interfaceHolding(ctx.facts, ctx.host.lan)?.name ?? ctx.lab.networks.lan.interface;
}

export function heartbeatInterface(ctx: RoleContext): string {
  const address = ctx.host.heartbeat;
  return (address && interfaceHolding(ctx.facts, address)?.name) || ctx.lab.networks.heartbeat.interface;
}
