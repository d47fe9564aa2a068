// A verification check proves one of the tutorial's demonstrations (V1–V7), or a lesson beyond
// them (V8, V9: links broken while both balancers run), on the running farm: a verdict, the
// figures behind it, and the evidence a person can read.
import type { Lab } from '../lab/model.ts';
import type { LabProvider } from '../providers/provider.ts';
import type { Timeline } from './steady-load.ts';
import type { RunningCapture } from './transport/host-capture.ts';
import type { LabMachines } from './transport/lab-machines.ts';
import type { LanClient } from './transport/lan-client.ts';

export interface CheckResult {
  id: string;
  title: string;
  passed: boolean;
  /** one line: the figures (times, counts) or the reason it failed */
  summary: string;
  evidence: string[];
  /** the requests during the check, for the report's timeline */
  timeline?: Timeline;
  /** the pcaps the check wrote, relative to the report's folder */
  pcaps?: string[];
  /**
   * what in the definition shaped this result ("one heartbeat path"), for a check whose runs
   * under different definitions the report keeps side by side (V8 with one path and with two)
   */
  variant?: string;
}

/** Captures on the lab's networks, for V6/V7. */
export interface Wire {
  capture(network: 'lan' | 'heartbeat', file: string, filter: string): Promise<RunningCapture>;
  /** where the pcaps and the report go */
  reportDir: string;
}

/** The lab's machines as the checks use them: commands as root, power, who holds an address. */
export type Machines = LabMachines;

export interface VerifyContext {
  lab: Lab;
  provider: LabProvider;
  client: LanClient;
  machines: Machines;
  statsPassword: string;
  wire: Wire;
}

export interface Check {
  id: string;
  /** other demonstration IDs this check proves too */
  also?: string[];
  title: string;
  /** the title when what the check proves depends on the definition (V1: the balance algorithm) */
  titleFor?(lab: Lab): string;
  /** runs only when asked for (--only, --faults): not part of the tutorial's run */
  onlyWhenAsked?: boolean;
  /** cuts or degrades links: the runner puts them back as they were, whatever becomes of the check */
  changesLinks?: boolean;
  run(ctx: VerifyContext): Promise<Omit<CheckResult, 'id' | 'title'>>;
}
