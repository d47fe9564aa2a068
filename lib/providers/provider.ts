// The provider contract: the few things every way of making machines must do. Callers (CLI,
// provisioning, verification) see only this, so VirtualBox, libvirt and namespaces are interchangeable.
import type { Said } from '../said.ts';
import type { SshTarget } from '../engine/ssh/ssh-target.ts';
import type { BoxField, DefinitionSection, ReservedRange } from '../lab/definition-parts.ts';
import type { Lab, ProviderName } from '../lab/model.ts';
import type { FieldReader } from '../lab/yaml-fields.ts';
import type { EntryKind, StateFileShape } from '../state/state-entries.ts';
import type { LabStateDir } from '../state/lab-state.ts';
import { UserFacingError } from '../user-facing-error.ts';

/** How to reach one machine over SSH from the controller: what the engine logs in to. */
export type SshEndpoint = SshTarget;

/** running, poweroff and not_created are the common ones; providers may report others as they say them. */
export interface MachineStatus {
  host: string;
  state: 'running' | 'poweroff' | 'not_created' | (string & {});
  /** the provider's own words, e.g. "not created" */
  detail: string;
}

/** Something this host lacks before the provider can create anything, and how to get it. */
export interface MissingPrerequisite {
  what: string;
  howToGet: string;
}

export type MachineEvent =
  | { host: string; kind: 'progress'; text: string }
  | { host: string; kind: 'done' }
  | { host: string; kind: 'failed'; text: string };

/** The lab networks a machine has a link to, which lab:link cuts and degrades. */
export const LINK_NETWORKS = ['lan', 'heartbeat'] as const;
export type LinkNetwork = (typeof LINK_NETWORKS)[number];

/**
 * What lab:link does to one machine's link: cut it (the cable pulled: no carrier) and restore
 * it, or degrade it (a share of the packets lost, each delayed) and clear that. The link's other
 * settings stay: restoring a cut link keeps its degradation.
 */
export type LinkChange =
  | { kind: 'down' }
  | { kind: 'up' }
  | { kind: 'loss'; percent: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'clear' };

/** One machine's link to one lab network as it is now. */
export interface LinkState {
  host: string;
  network: LinkNetwork;
  up: boolean;
  /** percent of the packets dropped, each way; 0 when none */
  lossPercent: number;
  /** milliseconds each packet is held, each way; 0 when none */
  delayMs: number;
}

/** A link is normal when it is up and neither drops nor delays packets. */
export function linkIsNormal(link: LinkState): boolean {
  return link.up && link.lossPercent === 0 && link.delayMs === 0;
}

/** What a provider (or this host's kernel) cannot do to a link, said to the user. */
export class LinkChangeUnsupported extends UserFacingError {
  override name = 'LinkChangeUnsupported';
}

/** What a check may need of a machine beyond SSH: its power switched (V3–V7), its links changed (V8, V9). */
export type MachineNeed = 'power' | 'links';

/** Where lab:verify can stand on this host itself, offered by a provider whose networks reach it. */
export interface HostVantage {
  /** a network namespace of this host on the lab's LAN: the requests are sent from it */
  clientNamespace: string;
  /** the interface of this host that carries a lab network: the captures run on it */
  captureInterface(network: 'lan' | 'heartbeat'): string;
}

/** A client on the lab's LAN that is no lab machine, reached by a command line of this host. */
export interface LanClientPlace {
  /** for the output, e.g. "the client container hafarm-swap-client" */
  describe: Said;
  /** the command line, run on this host, that runs argv on the client */
  command(argv: readonly string[]): string[];
}

export interface LabProvider {
  readonly name: ProviderName;
  /** Checks this host; creates nothing. Empty when the provider can be used. */
  missingPrerequisites(): Promise<MissingPrerequisite[]>;
  /**
   * Optional: installs what this host lacks, where the provider knows how (lab:up does it
   * first), saying so through `say`; PrerequisitesMissing when that fails.
   */
  prepareHost?(say: (line: string) => void): Promise<void>;
  /** Optional: a line said before up, when booting will take longer than a user expects. */
  upNotice?(): string | undefined;
  /** Creates and boots every machine; re-running it after an interruption finishes the job. */
  up(onEvent: (event: MachineEvent) => void): Promise<void>;
  /** Pulls the plug on one machine (V3, V4): no clean shutdown. */
  powerOff(host: string): Promise<void>;
  /** Boots one machine again with the same disk (V5). */
  powerOn(host: string): Promise<void>;
  /** Removes every machine and network the lab made, and nothing else. */
  destroy(): Promise<void>;
  /** Optional: what destroy leaves on this host on purpose (a cache other labs share), said after it. */
  keptAfterDestroy?(): string | undefined | Promise<string | undefined>;
  status(): Promise<MachineStatus[]>;
  /**
   * Cuts, restores or degrades a running machine's link to a lab network (lab:link, V8, V9);
   * LinkChangeUnsupported, saying why, for what the provider cannot do.
   */
  setLink(host: string, network: LinkNetwork, change: LinkChange): Promise<void>;
  /** The links of the running machines, each as it is now. */
  links(): Promise<LinkState[]>;
  /** Every running machine's SSH endpoint, read in one go. */
  sshEndpoints(): Promise<Map<string, SshEndpoint>>;
  /**
   * Optional: lab:verify's requests and captures from this host. Without it (the host cannot
   * reach the lab's networks) a lab machine sends the requests and captures run inside machines.
   */
  hostVantage?(): HostVantage;
  /**
   * Optional, where no hostVantage is offered: a client on the LAN that is no lab machine, which
   * this host runs commands on (the Docker provider's client container); it sends lab:verify's
   * requests, and the captures run inside the machines.
   */
  lanClient?(): LanClientPlace;
  /**
   * Optional: why this provider cannot do what a check needs of a machine (MachineNeed), and what
   * would let it; undefined when it can. A check that needs it is "not run", saying this.
   */
  cannot?(need: MachineNeed, host: string): Said | undefined;
}

/** A file a provider writes from the definition alone (the Vagrantfile): lab:render shows it. */
export interface ProviderFile {
  /** its name in lab:render's folder */
  name: string;
  content: string;
}

/**
 * How a provider joins the registry (registry.ts): the name a lab or --provider gives, how to
 * make it, and what it adds to the definition and the state folder. Everything about a provider
 * is here and in its folder: the rest of hafarm is handed these as data.
 */
export interface ProviderRegistration {
  readonly name: ProviderName;
  create(lab: Lab, state: LabStateDir): LabProvider;
  /** the entries it keeps in the lab's state folder beside hafarm's own: lab:destroy removes them */
  stateEntries?: Readonly<Record<string, EntryKind>>;
  /** those of its entries only its machines leave: a folder holding them without a record still has machines */
  machineTraces?: readonly string[];
  /** those of its entries its machines cannot be reached without once lab:up made them: a record without them is incomplete */
  upEntries?: readonly string[];
  /** the shapes of those of its up entries that are JSON: a command refuses one of another shape before it acts */
  upEntryShapes?: Readonly<Record<string, StateFileShape>>;
  /** its fields under box: in the definition */
  boxFields?: readonly BoxField[];
  /** address ranges it keeps for itself, which no lab network may overlap */
  reservedRanges?: readonly ReservedRange[];
  /** its rules on a structurally valid definition (limits of its own), each refusal at its field */
  checkLab?(r: FieldReader, lab: Lab): void;
  /** the files it writes from the definition, for lab:render; none when it writes none */
  files?(lab: Lab): ProviderFile[];
  /** its own top-level section of the definition (existing:), read and checked as a component's is */
  section?: DefinitionSection;
  /** chosen only by its name, never by "auto": it makes no machines, so it can stand in for none */
  onlyByName?: boolean;
  /**
   * its machines were not made by hafarm: their settings (the stats page's password) are read from
   * them rather than from the secrets hafarm generates
   */
  adoptsMachines?: boolean;
  /** its NAT / management network (eth0 of every machine, for SSH) in words, from the definition alone: lab:graph draws it */
  managementNetwork(lab: Lab): Said;
}

export class PrerequisitesMissing extends UserFacingError {
  constructor(
    readonly provider: ProviderName,
    readonly missing: MissingPrerequisite[],
  ) {
    super(`${formatMissing(provider, missing)}\nNothing was created.`);
    this.name = 'PrerequisitesMissing';
  }
}

export function formatMissing(provider: ProviderName, missing: MissingPrerequisite[]): string {
  return [
    `The ${provider} provider cannot run on this host. Missing:`,
    ...missing.map((m) => `  - ${m.what}\n    ${m.howToGet.split('\n').join('\n    ')}`),
  ].join('\n');
}
