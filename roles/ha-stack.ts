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
//   announce themselves on the wire (V6, V7).
import type { DefinitionSection } from '../lib/lab/definition-parts.ts';
import type { Component } from './component.ts';
import type { Role } from './role-context.ts';
import type { Host, Lab } from '../lib/lab/model.ts';
import type { Packet } from '../lib/packets/pcap.ts';

/** Lines of the stack's log, matched with grep -E, that show a moment of the failover. */
export interface LogEvidence {
  /** grep -E pattern for the lines worth quoting */
  pattern: string;
  /** whether one of those lines is the proof itself */
  proves(line: string): boolean;
  /** for the FAIL summary: what was looked for */
  expected: string;
}

/** How the stack's members make themselves known on a network, as V6/V7 capture it. */
export interface Announcements {
  /** the lab network they go out on */
  network: 'heartbeat';
  /** tcpdump's filter for them */
  captureFilter(lab: Lab): string;
  /** the announcements one member sent */
  from(packets: Packet[], member: Host, lab: Lab): Packet[];
  /** Heartbeat: every member, all the time; VRRP: only the one that holds the VIP */
  sentBy: 'every member' | 'the active member';
  /** seconds between two announcements of one member */
  intervalSeconds(lab: Lab): number;
  /** for the evidence: "UDP broadcasts to 10.100.100.255:694" */
  describe(lab: Lab): string;
}

export interface HaStack extends Component {
  kind: 'ha-stack';
  /** its name is ha.stack's value; its section's key is its name, with defaults for when it is absent */
  section: DefinitionSection & { defaults: Readonly<object> };
  /** what it is in this lab, for the report: "keepalived (VRRPv3, an advertisement every 0.1 s)" */
  describe(lab: Lab): string;
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
}

export function isHaStack(component: Component): component is HaStack {
  return (component as Partial<HaStack>).kind === 'ha-stack';
}
