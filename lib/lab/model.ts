// The typed lab model: what lab.yaml says, validated. Everything downstream reads this and
// nothing else, so a farm of another shape is an edit of the definition, never of the code.
import type { StackSettings } from '../ha/stacks.ts';
import type { Cidr } from './ipv4.ts';

export const PROVIDER_CHOICES = ['auto', 'virtualbox', 'libvirt', 'netns'] as const;
export type ProviderChoice = (typeof PROVIDER_CHOICES)[number];
export type ProviderName = Exclude<ProviderChoice, 'auto'>;

/**
 * How the libvirt provider runs the machines: kvm (hardware virtualisation) or qemu (QEMU's
 * software emulation, for hosts where KVM cannot run guests). VirtualBox ignores it.
 */
export const LIBVIRT_DRIVERS = ['kvm', 'qemu'] as const;
export type LibvirtDriver = (typeof LIBVIRT_DRIVERS)[number];

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

/** How HAProxy picks a web server for a request without a persistence cookie (README: The lab definition). */
export const BALANCE_ALGORITHMS = ['roundrobin', 'leastconn', 'source'] as const;
export type BalanceAlgorithm = (typeof BALANCE_ALGORITHMS)[number];

/** How HAProxy's persistence cookie keeps a client on its server (README: The lab definition). */
export const COOKIE_MODES = ['prefix', 'insert', 'rewrite'] as const;
export type CookieMode = (typeof COOKIE_MODES)[number];

/** HAProxy's health checks of each web server: one every `inter`, DOWN after `fall` failures, UP after `rise` successes. */
export interface HealthCheckSettings {
  /** an HAProxy time such as 2s */
  inter: string;
  fall: number;
  rise: number;
}

export interface HaproxySettings {
  listen: string;
  port: number;
  balance: BalanceAlgorithm;
  options: string[];
  cookie: { name: string; mode: CookieMode };
  check: HealthCheckSettings;
  stats: { uri: string; user: string };
  timeouts: { connect: string; client: string; server: string };
}

/** The definition; each HA stack's own section is in it by the stack's name (StackSettings). */
export interface Lab extends StackSettings {
  /** absolute path of the definition this model came from */
  file: string;
  name: string;
  provider: ProviderChoice;
  box: { name: string; memory: number; cpus: number; libvirtDriver: LibvirtDriver };
  networks: { lan: LanNetwork; heartbeat: HeartbeatNetwork };
  vip: { address: string; name: string };
  hosts: Host[];
  /** which HA stack keeps the VIP (lib/ha/stacks.ts): ha.stack, heartbeat when absent; the networks its members speak on: ha.paths, [heartbeat] when absent */
  ha: { stack: string; paths: HaPath[] };
  haproxy: HaproxySettings;
  nginx: { page: string };
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
  if (!host) throw new Error(`${lab.file}: no host named "${name}" (hosts: ${lab.hosts.map((h) => h.name).join(', ')})`);
  return host;
}
