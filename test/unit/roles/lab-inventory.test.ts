// The lab as the engine's inventory (roles/lab-inventory.ts): balancers and web servers in their
// groups, so the tutorial's playbook gives each host the roles of its kind.
import { describe, expect, it } from 'vitest';
import { rolesFor } from '../../../lib/engine/role.ts';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { labInventory } from '../../../roles/lab-inventory.ts';
import { farmPlaybook } from '../../../roles/playbook.ts';
import { FOUR_WEB_LAB, TUTORIAL_LAB } from '../../helpers/cli.ts';

describe("the lab's inventory", () => {
  it('has every host of the definition, master and backup as balancers, the rest as web servers', () => {
    expect(labInventory(loadLab(TUTORIAL_LAB))).toEqual([
      { name: 'haproxy1', groups: ['balancers'] },
      { name: 'haproxy2', groups: ['balancers'] },
      { name: 'web1', groups: ['web'] },
      { name: 'web2', groups: ['web'] },
      { name: 'web3', groups: ['web'] },
    ]);
    expect(labInventory(loadLab(FOUR_WEB_LAB)).filter((h) => h.groups.includes('web'))).toHaveLength(4);
  });

  it("gives the tutorial's roles by kind of host, in the tutorial's order", () => {
    const roles = Object.fromEntries(
      labInventory(loadLab(TUTORIAL_LAB)).map((host) => [
        host.name,
        rolesFor(farmPlaybook(loadLab(TUTORIAL_LAB)), host).map((r) => r.name),
      ]),
    );
    // keepalived comes off a balancer before Heartbeat starts on any (a lab may switch stacks)
    expect(roles.haproxy1).toEqual(['network', 'hosts', 'remove-keepalived', 'heartbeat', 'haproxy', 'tools']);
    expect(roles.haproxy2).toEqual(roles.haproxy1);
    expect(roles.web3).toEqual(['network', 'hosts', 'nginx', 'tools']);
  });
});
