// A role turns one host, through the context its caller builds for it (the host, its facts and
// whatever the roles read), into an ordered list of tasks plus the handlers those tasks may
// notify. A playbook maps groups of the inventory to roles, in order.
import { inGroup, type InventoryHost } from './inventory.ts';
import type { Task } from './task.ts';

export interface Role<C> {
  name: string;
  tasks(ctx: C): Task[];
  /** handlers by name; each runs at most once, after the role's tasks, if notified */
  handlers?(ctx: C): Task[];
}

/** The roles for the hosts of one group; G narrows the group names a playbook may use. */
export interface Play<C, G extends string = string> {
  hosts: G;
  roles: Role<C>[];
}

/** The roles that apply to one host, in playbook order. */
export function rolesFor<C>(playbook: readonly Play<C>[], host: InventoryHost): Role<C>[] {
  return playbook.flatMap((play) => (inGroup(host, play.hosts) ? play.roles : []));
}
