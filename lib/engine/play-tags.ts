// The tags a task answers to for --tags: its role's name, the tags it carries and the step IDs
// (T8, V4) in its name. The tags that exist are those of the playbook's tasks on the lab's hosts.
import type { Play, Role, RoleContext } from './role.ts';
import { rolesFor } from './role.ts';
import type { Task } from './task.ts';

export function taskTags(role: Role, task: Task): string[] {
  return [role.name, ...(task.tags ?? []), ...(task.name.match(/\b[TV]\d+\b/g) ?? [])];
}

/** Every tag of the tasks the playbook gives each host, in playbook order. */
export function playbookTags(playbook: Play[], contexts: readonly RoleContext[]): string[] {
  const tags = contexts.flatMap((ctx) => rolesFor(playbook, ctx.host).flatMap((role) => role.tasks(ctx).flatMap((task) => taskTags(role, task))));
  return [...new Set(tags)];
}
