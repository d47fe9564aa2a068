// The engine's inventory (lib/engine/inventory.ts) and how a playbook's groups pick roles.
import { describe, expect, it } from 'vitest';
import { inGroup, type InventoryHost } from '../../../lib/engine/inventory.ts';
import { rolesFor, type Play } from '../../../lib/engine/role.ts';

const db: InventoryHost = { name: 'db1', groups: ['databases', 'backed-up'] };
const app: InventoryHost = { name: 'app1', groups: ['apps'] };

describe('an inventory', () => {
  it('puts every host in "all" and in the groups it lists, in no other', () => {
    expect(inGroup(db, 'all')).toBe(true);
    expect(inGroup(db, 'databases')).toBe(true);
    expect(inGroup(db, 'backed-up')).toBe(true);
    expect(inGroup(db, 'apps')).toBe(false);
    expect(inGroup({ name: 'bare', groups: [] }, 'all')).toBe(true);
  });

  it('gives a host the roles of the plays of its groups, in playbook order', () => {
    const role = (name: string) => ({ name, tasks: () => [] });
    const playbook: Play<unknown>[] = [
      { hosts: 'all', roles: [role('base')] },
      { hosts: 'databases', roles: [role('postgres')] },
      { hosts: 'apps', roles: [role('app')] },
      { hosts: 'backed-up', roles: [role('backup')] },
    ];
    expect(rolesFor(playbook, db).map((r) => r.name)).toEqual(['base', 'postgres', 'backup']);
    expect(rolesFor(playbook, app).map((r) => r.name)).toEqual(['base', 'app']);
  });
});
