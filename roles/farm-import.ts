// The components' contract for lab:import: what a farm built by hand says of each component's
// section of the definition, read from what its machines hold (roles/mistakes.ts's
// MachineHoldings). The HA stack says who the master is and where the VIP lives; each
// component gives its section's values as plain data, with a note for what it could not read
// (its default kept). lib/import/ writes them into the definition; this file knows none of them.
import type { MachineHoldings } from './mistakes.ts';

/** What lab:import found of the farm as a whole, handed to each component's section reader. */
export interface ImportedFarm {
  /** the balancers' and web servers' names in the definition (the names the user gave) */
  balancers: readonly string[];
  web: readonly string[];
  master: string;
  vip: { address: string; name: string };
  /** the interface each machine's LAN address is on, and the heartbeat network's on each balancer */
  lanInterface: string;
  heartbeatInterface?: string;
}

/** A section's values, YAML-ready, and what was not read (each said to the user). */
export interface ImportedSection {
  values: Record<string, unknown>;
  notes: string[];
}

/** Who holds the VIP by default and where: the HA stack's resource line, as a balancer holds it. */
export interface StackFacts {
  /** the master's machine name as the stack knows it (uname -n) */
  masterNode: string;
  vip: { address: string; prefix: number; interface?: string };
  /** the interface the stack's members hear each other on */
  heartbeatInterface?: string;
}

export interface SectionImport {
  /** the files to read on the machines its role runs on */
  files: readonly string[];
  /** more files to read on a machine, named by the ones read first (the page in the root nginx's site names) */
  moreFiles?(machine: MachineHoldings): string[];
  /** the HA stack only: the master and the VIP, from a balancer's files; a problem when they cannot be read */
  stackFacts?(balancer: MachineHoldings): StackFacts | { problem: string };
  /**
   * the web servers in the order the farm gives them (HAProxy's server lines: the definition's
   * order gives their cookie labels, A, B, C…), from the master; undefined when it does not say
   */
  webOrder?(master: MachineHoldings, lanOf: ReadonlyMap<string, string>): string[] | undefined;
  /** its section's values from what its machines hold (by name) */
  section(holdings: ReadonlyMap<string, MachineHoldings>, farm: ImportedFarm): ImportedSection;
}
