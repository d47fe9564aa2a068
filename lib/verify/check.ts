// A verification check proves one of the tutorial's demonstrations (V1–V7), or a lesson beyond
// them (V8, V9: links broken while both balancers run), on the running farm: a verdict, the
// figures behind it, and the evidence a person can read.
import type { Lab } from '../lab/model.ts';
import type { LabProvider } from '../providers/provider.ts';
import type { StatsSnapshot } from '../../roles/haproxy/stats-snapshot.ts';
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
  /** HAProxy's statistics page at the check's moments, for the report */
  snapshots?: StatsSnapshot[];
  /** packets per member over time, with the moments that matter, for the report's chart (V6) */
  packetChart?: PacketChart;
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

/** Packets of each member of the HA stack over a capture, for the report's chart. */
export interface PacketChart {
  title: string;
  /** seconds from the start of the chart to its end */
  seconds: number;
  /** each member's packets, as seconds since the start */
  series: Array<{ label: string; times: number[] }>;
  /** moments marked on it: "haproxy1 powered off", "gratuitous ARP from haproxy2" */
  marks: Array<{ at: number; label: string }>;
  /** stretches shaded on it: "haproxy1 silent" */
  spans: Array<{ from: number; to: number; label: string }>;
}
