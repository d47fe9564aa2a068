// The diagnosis after a failed check: each component the lab runs reads what its machines hold
// (Component.mistakes) and says what a student got wrong, with the tutorial step that fixes it.
// A machine that cannot be read is said, never the end of the run.
import { componentsInUse } from '../../roles/components.ts';
import { inventoryHost, type FarmGroup } from '../../roles/lab-inventory.ts';
import type { Host, Lab } from '../lab/model.ts';
import type { Finding, MachineHoldings } from '../../roles/mistakes.ts';
import { readHoldings, type HoldingsWanted, type MachineExec } from '../farm/read-holdings.ts';

export interface Diagnosis {
  findings: Finding[];
  /** machines that could not be read, with why */
  unread: string[];
}

/** Whether a component whose role runs on `group` runs on `host`: the playbook's own grouping. */
function inGroup(host: Host, group: FarmGroup): boolean {
  return group === 'all' || inventoryHost(host).groups.includes(group);
}

function steps(step: string): number {
  return Number(step.replace(/\D/g, '')) || 0;
}

export async function diagnose(lab: Lab, exec: MachineExec): Promise<Diagnosis> {
  const finders = componentsInUse(lab).flatMap((c) => (c.mistakes ? [{ hosts: c.hosts, finder: c.mistakes }] : []));
  // What to read from each machine: the union of what its components' finders want.
  const wanted = new Map<string, HoldingsWanted>();
  for (const host of lab.hosts) {
    const mine = finders.filter((f) => inGroup(host, f.hosts)).map((f) => f.finder);
    wanted.set(host.name, {
      files: [...new Set(mine.flatMap((f) => f.files(lab)))],
      sysctls: [...new Set(mine.flatMap((f) => f.sysctls ?? []))],
      processes: [...new Set(mine.flatMap((f) => f.processes ?? []))],
    });
  }
  const holdings = new Map<string, MachineHoldings>();
  const unread: string[] = [];
  await Promise.all(
    lab.hosts.map(async (host) => {
      try {
        holdings.set(host.name, await readHoldings(exec, host.name, wanted.get(host.name)!));
      } catch (error) {
        unread.push(`${host.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  const findings = finders.flatMap(({ hosts, finder }) => {
    const theirs = new Map(
      lab.hosts.filter((h) => inGroup(h, hosts) && holdings.has(h.name)).map((h) => [h.name, holdings.get(h.name)!]),
    );
    try {
      return finder.find(lab, theirs);
    } catch (error) {
      // a finder's bug must not hide the others' findings
      unread.push(`a finder failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  });
  // In the tutorial's order, then by machine: the first step wrong is the one to fix first.
  findings.sort((a, b) => steps(a.step) - steps(b.step) || a.host.localeCompare(b.host));
  return { findings, unread: unread.sort() };
}
