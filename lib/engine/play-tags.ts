// The tags a task answers to for --tags: its role's name and the tags it carries (the step IDs,
// T8…, among them). The tags that exist are those of the playbook's tasks on the inventory's hosts.
import type { InventoryHost } from './inventory.ts';
import type { Play, Role } from './role.ts';
import { rolesFor } from './role.ts';
import type { Task } from './task.ts';

export function taskTags<C>(role: Role<C>, task: Task): string[] {
  return [role.name, ...(task.tags ?? [])];
}

/** Every tag of the tasks the playbook gives each host, in playbook order. */
export function playbookTags<C>(
  playbook: readonly Play<C>[],
  inventory: readonly InventoryHost[],
  contextOf: (host: InventoryHost) => C,
): string[] {
  const tags = inventory.flatMap((host) => {
    const ctx = contextOf(host);
    return rolesFor(playbook, host).flatMap((role) => role.tasks(ctx).flatMap((task) => taskTags(role, task)));
  });
  return [...new Set(tags)];
}
