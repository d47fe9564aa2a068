// A role is a TypeScript module in roles/ that turns one host of the lab (and its facts) into an
// ordered list of tasks plus the handlers those tasks may notify. A playbook maps host groups
// of the lab definition to roles, in order.
import type { Host, Lab } from '../lab/model.ts';
import { isBalancer } from '../lab/model.ts';
import type { LabSecrets } from '../state/lab-secrets.ts';
import type { Facts } from './facts.ts';
import type { Task } from './task.ts';

export interface RoleContext {
  lab: Lab;
  host: Host;
  facts: Facts;
  /** per-lab generated values: passwords and keys */
  secrets: LabSecrets;
}

export interface Role {
  name: string;
  tasks(ctx: RoleContext): Task[];
  /** handlers by name; each runs at most once, after the role's tasks, if notified */
  handlers?(ctx: RoleContext): Task[];
}

export type HostGroup = 'all' | 'balancers' | 'web';

export interface Play {
  hosts: HostGroup;
  roles: Role[];
}

export function inGroup(host: Host, group: HostGroup): boolean {
  return group === 'all' || (group === 'balancers' ? isBalancer(host) : host.role === 'web');
}

/** The roles that apply to one host, in playbook order. */
export function rolesFor(playbook: Play[], host: Host): Role[] {
  return playbook.flatMap((play) => (inGroup(host, play.hosts) ? play.roles : []));
}
