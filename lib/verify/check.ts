// A verification check proves one of the tutorial's demonstrations (V1–V7), or a lesson beyond
// them (V8, V9: links broken while both balancers run), on the running farm: a verdict, the
// figures behind it, and the evidence a person can read.
import type { Lab } from '../lab/model.ts';
import type { Said, Speaker, Words } from '../said.ts';
import type { LabProvider, MachineNeed } from '../providers/provider.ts';
import type { StatsSnapshot } from '../../roles/haproxy/stats-snapshot.ts';
import type { Timeline } from './steady-load.ts';
import type { RunningCapture } from './transport/host-capture.ts';
import type { LabMachines } from './transport/lab-machines.ts';
import type { LanClient } from './transport/lan-client.ts';

/** Every text of a result is Words: said in the run's language (VerifyContext.say). */
export interface CheckResult {
  id: string;
  title: Words;
  /** false for a check that was not run too: notRun tells the two apart */
  passed: boolean;
  /** why the check was not run and what would let it run (power commands not given); it is neither a PASS nor a FAIL */
  notRun?: Words;
  /** one line: the figures (times, counts) or the reason it failed */
  summary: Words;
  evidence: Words[];
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
   * under different definitions the report keeps side by side (V8 with one path and with two);
   * in both languages, its English the key the kept runs are filed under whatever a run spoke
   */
  variant?: Said;
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
  /** the language the run speaks (--lang): every text of a result is said through it */
  say: Speaker;
  /**
   * the machines were built by hand, not by hafarm (the existing provider): the application behind
   * the web servers is the student's, which may set no session cookie of its own
   */
  adopted?: boolean;
  /** what the vantage cannot do on this lab's machines, and why (a program they lack): the checks that use it are not run */
  lacking?: Partial<Record<VantageUse, Said>>;
}

/** What of the vantage a check uses: the client's requests (curl), the captures (tcpdump). */
export type VantageUse = 'requests' | 'captures';

export interface Check {
  id: string;
  /** other demonstration IDs this check proves too */
  also?: string[];
  title: Said;
  /** the title when what the check proves depends on the definition (V1: the balance algorithm) */
  titleFor?(lab: Lab): Said;
  /** runs only when asked for (--only, --faults): not part of the tutorial's run */
  onlyWhenAsked?: boolean;
  /** what of the vantage it uses: where the vantage lacks it (VerifyContext.lacking), the check is not run */
  uses?: readonly VantageUse[];
  /** what it needs of which machines beyond SSH; where the provider cannot do it (Provider.cannot), the check is not run */
  needs?(lab: Lab): Array<{ need: MachineNeed; host: string }>;
  /** cuts or degrades links: the runner puts them back as they were, whatever becomes of the check */
  changesLinks?: boolean;
  run(ctx: VerifyContext): Promise<Omit<CheckResult, 'id' | 'title'>>;
}

/** Packets of each member of the HA stack over a capture, for the report's chart. */
export interface PacketChart {
  title: Words;
  /** seconds from the start of the chart to its end */
  seconds: number;
  /** each member's packets, as seconds since the start */
  series: Array<{ label: Words; times: number[] }>;
  /** moments marked on it: "haproxy1 powered off", "gratuitous ARP from haproxy2" */
  marks: Array<{ at: number; label: Words }>;
  /** stretches shaded on it: "haproxy1 silent" */
  spans: Array<{ from: number; to: number; label: Words }>;
}

export type Verdict = 'PASS' | 'FAIL' | 'NOT RUN';

/** What a result says in one word; a check not run is neither a PASS nor a FAIL. */
export function verdictOf(result: Pick<CheckResult, 'passed' | 'notRun'>): Verdict {
  return result.notRun !== undefined ? 'NOT RUN' : result.passed ? 'PASS' : 'FAIL';
}

/** The results counted by verdict, for the summary line. */
export function countVerdicts(results: ReadonlyArray<Pick<CheckResult, 'passed' | 'notRun'>>): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { PASS: 0, FAIL: 0, 'NOT RUN': 0 };
  for (const result of results) counts[verdictOf(result)] += 1;
  return counts;
}

/** A verdict in the run's language: PASS, SUPERADA. */
export function verdictWord(verdict: Verdict, say: Speaker): Words {
  if (verdict === 'PASS') return say('PASS', 'SUPERADA');
  return verdict === 'FAIL' ? say('FAIL', 'FALLIDA') : say('NOT RUN', 'NO EJECUTADA');
}

/**
 * "6 passed, 0 failed" ("6 superadas, 0 fallidas"), and how many were not run when some were:
 * counted apart, never as passed.
 */
export function verdictCounts(results: ReadonlyArray<Pick<CheckResult, 'passed' | 'notRun'>>, say: Speaker): Words {
  const counts = countVerdicts(results);
  const es = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const notRun = counts['NOT RUN'];
  return say(
    `${counts.PASS} passed, ${counts.FAIL} failed${notRun > 0 ? `, ${notRun} not run` : ''}`,
    `${es(counts.PASS, 'superada', 'superadas')}, ${es(counts.FAIL, 'fallida', 'fallidas')}` +
      (notRun > 0 ? `, ${es(notRun, 'no ejecutada', 'no ejecutadas')}` : ''),
  );
}
