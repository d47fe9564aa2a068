// The hosts a playbook runs on, as data (Ansible's inventory): each host's name and the groups it
// belongs to. The engine knows no farm; which groups there are is the inventory's business.
export interface InventoryHost {
  readonly name: string;
  readonly groups: readonly string[];
}

/** The group every host is in, whatever the inventory says. */
export const ALL_HOSTS = 'all';

export function inGroup(host: InventoryHost, group: string): boolean {
  return group === ALL_HOSTS || host.groups.includes(group);
}
