// Address ranges a lab network may not use. The LAN and heartbeat networks are internal to the
// hypervisor, but the machines also sit on a management network and reach the internet over
// NAT: a lab network on a special or public range would shadow those addresses.
import { overlaps, type Cidr } from './ipv4.ts';

const range = (network: string, prefix: number): Cidr => ({ network, prefix });

const SPECIAL_RANGES: ReadonlyArray<{ range: Cidr; what: string }> = [
  { range: range('0.0.0.0', 8), what: '"this network" (0.0.0.0/8)' },
  { range: range('127.0.0.0', 8), what: 'loopback (127.0.0.0/8)' },
  { range: range('169.254.0.0', 16), what: 'link-local (169.254.0.0/16)' },
  { range: range('224.0.0.0', 4), what: 'multicast (224.0.0.0/4)' },
  { range: range('240.0.0.0', 4), what: 'reserved (240.0.0.0/4)' },
  { range: range('10.0.2.0', 24), what: "VirtualBox's NAT network (10.0.2.0/24, adapter 1 of every machine)" },
  { range: range('192.168.121.0', 24), what: "vagrant-libvirt's management network (192.168.121.0/24)" },
];

const PRIVATE_RANGES: readonly Cidr[] = [range('10.0.0.0', 8), range('172.16.0.0', 12), range('192.168.0.0', 16)];

/** The namespace provider picks its management /24 in here; a lab network must leave one free. */
const NETNS_MANAGEMENT_RANGE = range('10.213.0.0', 16);

export const LAB_NETWORK_ALLOWED = 'a private network inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, clear of 10.0.2.0/24 and 192.168.121.0/24';

function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && overlaps(outer, inner);
}

/** Why a network cannot be a lab network, or undefined when it can. */
export function networkRangeProblem(network: Cidr): string | undefined {
  const special = SPECIAL_RANGES.find((s) => overlaps(network, s.range));
  if (special) return `overlaps ${special.what}`;
  if (!PRIVATE_RANGES.some((p) => contains(p, network))) return 'is not a private network';
  if (contains(network, NETNS_MANAGEMENT_RANGE)) return 'covers 10.213.0.0/16, where the namespace provider puts its management network';
  return undefined;
}
