// T3: interface names are read from the machine (the one holding the address), never assumed;
// only without a machine (lab:render) or before the address exists do the definition's names apply.
import { interfaceHolding } from '../lib/engine/facts.ts';
import type { RoleContext } from './role-context.ts';

export function lanInterface(ctx: RoleContext): string {
  return interfaceHolding(ctx.facts, ctx.host.lan)?.name ?? ctx.lab.networks.lan.interface;
}

export function heartbeatInterface(ctx: RoleContext): string {
  const address = ctx.host.heartbeat;
  return (address && interfaceHolding(ctx.facts, address)?.name) || ctx.lab.networks.heartbeat.interface;
}
