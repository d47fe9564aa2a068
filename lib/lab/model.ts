// The typed lab model: what lab.yaml says, validated. Everything downstream reads this and
// nothing else, so a farm of another shape is an edit of the definition, never of the code.
import type { Cidr } from './ipv4.ts';

/** "auto", or a provider's name: the registry's names are handed to the reader (lib/providers/registry.ts). */
export const AUTO_PROVIDER = 'auto';
export type ProviderName = string;
export type ProviderChoice = ProviderName;

export const HOST_ROLES = ['master', 'backup', 'web'] as const;
/** master/backup: the HA stack's members and HAProxy balancers; web: nginx. */
export type HostRole = (typeof HOST_ROLES)[number];

export interface LanNetwork {
  cidr: Cidr;
  gateway: string;
  /** interface name inside the machines when no running machine says otherwise (T3) */
  interface: string;
}

/**
 * The lab networks the HA stack's members hear each other on (ha.paths): the heartbeat network,
 * the tutorial's only one, and the LAN as a second path, so that one silent link no longer makes
 * each balancer believe the other dead (split brain, V8).
 */
export const HA_PATHS = ['heartbeat', 'lan'] as const;
export type HaPath = (typeof HA_PATHS)[number];

export interface HeartbeatNetwork {
  cidr: Cidr;
  interface: string;
}

export interface Host {
  name: string;
  role: HostRole;
  lan: string;
  /** only balancers have one */
  heartbeat?: string;
  memory: number;
  cpus: number;
}

/** The box every machine boots from; a provider may add fields of its own (BoxSettings). */
export interface BoxSettings {
  name: string;
  memory: number;
  cpus: number;
}

/**
 * Each component's section of the definition, by its key (each by its key). Empty
 * here: a component adds its own with `declare module` beside the code that reads it
 * (roles/<component>/*-section.ts), so the model knows no component and the reader is handed
 * the sections (DefinitionSection).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the components' declaration merging
export interface LabSections {}

/** The definition: the lab's own fields, and each component's section (LabSections). */
export interface Lab extends LabSections {
  /** absolute path of the definition this model came from */
  file: string;
  name: string;
  provider: ProviderChoice;
  box: BoxSettings;
  networks: { lan: LanNetwork; heartbeat: HeartbeatNetwork };
  vip: { address: string; name: string };
  hosts: Host[];
  /** which HA stack keeps the VIP (roles/components.ts): ha.stack, heartbeat when absent; the networks its members speak on: ha.paths, [heartbeat] when absent */
  ha: { stack: string; paths: HaPath[] };
}

export function isBalancer(host: Host): boolean {
  return host.role === 'master' || host.role === 'backup';
}

export function balancers(lab: Lab): Host[] {
  return lab.hosts.filter(isBalancer);
}

export function webServers(lab: Lab): Host[] {
  return lab.hosts.filter((h) => h.role === 'web');
}

export function masterBalancer(lab: Lab): Host {
  const master = lab.hosts.find((h) => h.role === 'master');
  if (!master) throw new Error(`${lab.file}: no master balancer (the loader should have refused this)`);
  return master;
}

export function findHost(lab: Lab, name: string): Host {
  const host = lab.hosts.find((h) => h.name === name);
  if (!host)
    throw new Error(`${lab.file}: no host named "${name}" (hosts: ${lab.hosts.map((h) => h.name).join(', ')})`);
  return host;
}

/** The LAN addresses the definition gives: its gateway, the VIP and every machine's. */
export function lanAddressesInUse(lab: Lab): string[] {
  return [lab.networks.lan.gateway, lab.vip.address, ...lab.hosts.map((h) => h.lan)];
}
