// An HA stack: the component that keeps the VIP on one balancer and moves it when that one dies
// (the tutorial's is Heartbeat; keepalived the alternative, picked by ha.stack). Everything the
// rest of hafarm needs of it is here, so another stack is a folder under roles/ and its line in
// roles/components.ts, and no check changes:
// - definition: its own section of lab.yaml (read, defaults; its rules on the farm apply when
//   the lab runs it);
// - provisioning: its role, the Debian packages that role installs, and the role that takes it
//   off a balancer again when the lab switches to another stack;
// - state: the per-lab secrets it needs;
// - verification: whether the master takes the VIP back (V5), how long a fresh start may take
//   to serve, what in its log proves a takeover and a release (V4, V5), and how its members
//   announce themselves on the wire (V6, V7);
// - convergence: how provisioning reads it on each balancer after the play (does it run, does it
//   hear its peers) and restarts it where it does not run as the definition says.
import type { DefinitionSection } from '../lib/lab/definition-parts.ts';
import type { Component } from './component.ts';
import type { Role } from './role-context.ts';
import type { Host, Lab } from '../lib/lab/model.ts';
import type { Packet } from '../lib/packets/pcap.ts';
import type { Said } from '../lib/said.ts';
import { quote } from '../lib/engine/ssh/shell-quote.ts';
import { failed, ok, type Task } from '../lib/engine/task.ts';

/** Lines of the stack's log, matched with grep -E, that show a moment of the failover. */
export interface LogEvidence {
  /** grep -E pattern for the lines worth quoting */
  pattern: string;
  /** whether one of those lines is the proof itself */
  proves(line: string): boolean;
  /** for the FAIL summary: what was looked for, in each language */
  expected: Said;
}

/** How the stack's members make themselves known on a network, as V6/V7 capture it. */
export interface Announcements {
  /** the lab network they go out on */
  network: 'heartbeat';
  /** tcpdump's filter for them */
  captureFilter(lab: Lab): string;
  /** the announcements one member sent */
  from(packets: Packet[], member: Host, lab: Lab): Packet[];
  /** Heartbeat: every member, all the time; VRRP: only the one that holds the VIP (a key, never printed) */
  sentBy: 'every member' | 'the active member';
  /** seconds between two announcements of one member */
  intervalSeconds(lab: Lab): number;
  /** for the evidence: "UDP broadcasts to 10.100.100.255:694" ("difusiones UDP a 10.100.100.255:694") */
  describe(lab: Lab): Said;
}

/**
 * How provisioning reads the stack on a balancer after the play and restarts it there
 * (roles/run-lab-play.ts). Each field has a default made of the stack's `service`, so a stack
 * that declares none is read by its process and the VIP alone.
 */
export interface StackMembers {
  /** the daemon's program name (pidof, ps -C): whether it runs, and since when; default: the service's name */
  process?: string;
  /**
   * Read-only shell lines, run on a member whose daemon runs, that print one `deaf=<words>` line
   * per peer it does not hear, the words completing "<member> …": "heard nothing from haproxy2 on
   * eth2". Without it the VIP alone tells (a VRRP backup that hears no master claims the VIP).
   */
  hearing?(lab: Lab, member: Host, peers: readonly Host[]): string;
  /** the shell command that stops it on a member; default: `service <service> stop` */
  stop?: string;
  /** the shell command that starts it on a member; default: `service <service> start` */
  start?: string;
}

export interface HaStack extends Component {
  kind: 'ha-stack';
  /** its name is ha.stack's value; its section's key is its name, with defaults for when it is absent */
  section: DefinitionSection & { defaults: Readonly<object> };
  /** what it is in this lab, for the report: "keepalived (VRRPv3, an advertisement every 0.1 s)" ("un anuncio cada 0.1 s") */
  describe(lab: Lab): Said;
  /** takes the stack off a balancer (its daemon, package and files), before another one starts */
  removal: Role;
  /** its service on the balancers, which lab:verify restarts where a broken link left two holders that did not heal (V8, V9) */
  service: string;
  /** whether the master takes the VIP back when it comes back (the tutorial's auto_failback) */
  failsBack(lab: Lab): boolean;
  /** at most how long, in seconds, a stack that just started takes to put the VIP on the master */
  startupSeconds(lab: Lab): number;
  /** why a start takes that long, for the user waiting: "Heartbeat waits initdead 15 s for its peer" */
  startupReason(lab: Lab): string;
  /** how long a standby waits, in seconds, before it takes over from a master that went silent */
  detectionSeconds(lab: Lab): number;
  /** the log on the balancers that tells what the stack did */
  logFile(lab: Lab): string;
  /** on the standby that takes over, after the master died (V4) */
  takeover(lab: Lab, master: string): LogEvidence;
  /** on the standby that gives the VIP back to a returning master (V5) */
  release(lab: Lab, master: string): LogEvidence;
  /**
   * grep -E pattern of its log lines that tell of a peer lost or heard again and of the VIP taken
   * or given up, on any member: what V8 and V9 quote from both balancers
   */
  peerEvents(lab: Lab): string;
  announcements: Announcements;
  /** how provisioning reads it on each balancer and restarts it there; defaults from `service` */
  members?: StackMembers;
}

export function isHaStack(component: Component): component is HaStack {
  return (component as Partial<HaStack>).kind === 'ha-stack';
}

/** What a stack's log file must be on the machine, as a failed check says it. */
export const LOG_FILE_ALLOWED =
  'the path of a regular file, or of no file yet, in existing directories, with no symbolic link on its way';

/** Each path on the way to an absolute path, the path last: /var, /var/log, /var/log/ha-log. */
function pathsOnTheWay(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/** One line per path on the way: link, directory, file, other or absent (links first: -d follows them). */
export function pathKindsCommand(path: string): string {
  const list = pathsOnTheWay(path).map(quote).join(' ');
  return `for p in ${list}; do if [ -L "$p" ]; then echo link; elif [ -d "$p" ]; then echo directory; elif [ -f "$p" ]; then echo file; elif [ -e "$p" ]; then echo other; else echo absent; fi; done`;
}

/** What is wrong with a log file's path on a machine, from pathKindsCommand's lines; undefined when nothing is. */
export function logPathProblem(path: string, kindsOutput: string): string | undefined {
  const on = pathsOnTheWay(path);
  const kinds = kindsOutput.trim().split('\n');
  if (kinds.length !== on.length) return `${path} could not be read`;
  for (const [i, kind] of kinds.entries()) {
    const last = i === on.length - 1;
    const what = last ? path : on[i]!;
    if (kind === 'link') return last ? `${path} is a symbolic link` : `${path} is under a symbolic link, ${what}`;
    if (last && kind === 'directory') return `${path} is a directory`;
    if (last && kind === 'other') return `${path} is not a regular file (a device, socket or pipe)`;
    if (!last && kind === 'absent') return `${path} is in a directory that does not exist, ${what}`;
    if (!last && kind !== 'directory') return `${path} is under ${what}, which is not a directory`;
  }
  return undefined;
}

/**
 * A stack's log file checked on the machine before its role writes or starts anything (a fact read
 * first, as pyinfra does): the daemon appends to it as root and lab:verify quotes it, so it must be
 * a regular file or none yet. A directory or a symbolic link there (or on its way) fails this task,
 * naming the definition's field and what it allows, where the daemon would log nothing and say
 * nothing. The definition's own rules refuse what is wrong whatever the machine (lib/lab/field-values.ts).
 */
export function logFileCheck(spec: {
  name: string;
  /** the definition's field, as a user writes it: "heartbeat.logfile" */
  field: string;
  path: string;
  /** who logs there: "Heartbeat" */
  daemon: string;
  tags: string[];
}): Task {
  const read = pathKindsCommand(spec.path);
  return {
    name: spec.name,
    tags: spec.tags,
    reads: () => [read],
    async run(ctx) {
      const result = await ctx.reads.run(read);
      const problem = result.code === 0 ? logPathProblem(spec.path, result.stdout) : `${spec.path} could not be read`;
      if (!problem) return ok();
      return failed(
        `${spec.field}: ${problem} on ${ctx.remote.host}: ${spec.daemon} would not keep its log there (allowed: ${LOG_FILE_ALLOWED}; remove what is in the way or set another ${spec.field})`,
      );
    },
  };
}
