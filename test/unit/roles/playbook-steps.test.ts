// Every task of the farm's playbook carries the tutorial step it performs as a tag (--tags T8,
// the MANIFEST's step), and its name says the same step: tags are the data, names the words.
import { describe, expect, it } from 'vitest';
import { rolesFor } from '../../../lib/engine/role.ts';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { findHost } from '../../../lib/lab/model.ts';
import { definitionFacts } from '../../../roles/render-lab.ts';
import { labInventory } from '../../../roles/lab-inventory.ts';
import { farmPlaybook } from '../../../roles/playbook.ts';
import { FOUR_WEB_LAB, TUTORIAL_LAB } from '../../helpers/cli.ts';

describe('the farm playbook', () => {
  for (const file of [TUTORIAL_LAB, FOUR_WEB_LAB]) {
    it(`tags every task of ${file.split('/').pop()} with the step its name begins with`, () => {
      const lab = loadLab(file);
      const secrets = { statsPassword: 'x', heartbeatAuthkey: 'a'.repeat(48) };
      let tasks = 0;
      for (const inventoryHost of labInventory(lab)) {
        const host = findHost(lab, inventoryHost.name);
        const ctx = { lab, host, facts: definitionFacts(lab, host), secrets };
        for (const role of rolesFor(farmPlaybook(lab), inventoryHost)) {
          for (const task of role.tasks(ctx)) {
            tasks++;
            const named = /^(T\d+) /.exec(task.name)?.[1];
            const tagged = (task.tags ?? []).filter((tag) => /^T\d+$/.test(tag));
            expect(tagged, `${host.name} ${role.name}: ${task.name}`).toEqual(named ? [named] : []);
            if (role.name !== 'tools') expect(named, `${host.name} ${role.name}: ${task.name}`).toBeDefined();
          }
        }
      }
      expect(tasks).toBeGreaterThan(20);
    });
  }
});
