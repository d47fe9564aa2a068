// What the farm's roles are given on a host (roles/role-context.ts).
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { findHost } from '../../../lib/lab/model.ts';
import { definitionFacts } from '../../../roles/render-lab.ts';
import { labInventory } from '../../../roles/lab-inventory.ts';
import { roleContexts } from '../../../roles/role-context.ts';
import { TUTORIAL_LAB } from '../../helpers/cli.ts';

describe("a role's context", () => {
  it("is the lab, the lab's host of the inventory host's name, its facts and the lab's secrets", () => {
    const lab = loadLab(TUTORIAL_LAB);
    const secrets = { heartbeatAuthkey: 'k'.repeat(40), statsPassword: 'Secret1' };
    const facts = definitionFacts(lab, findHost(lab, 'web2'));
    const ctx = roleContexts(lab, secrets)(labInventory(lab)[3]!, facts);
    expect(ctx.lab).toBe(lab);
    expect(ctx.host).toBe(findHost(lab, 'web2'));
    expect(ctx.facts).toBe(facts);
    expect(ctx.secrets).toBe(secrets);
  });
});
