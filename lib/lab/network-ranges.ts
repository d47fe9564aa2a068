// Address ranges a lab network may not use. The LAN and heartbeat networks are internal to the
// hypervisor, but the machines also sit on a management network and reach the internet over
// NAT: a lab network on a special or public range, or on one a provider keeps for itself
// (ReservedRange, handed in), would shadow those addresses.
import type { ReservedRange } from './definition-parts.ts';
import { formatCidr, overlaps, type Cidr } from './ipv4.ts';

const range = (network: string, prefix: number): Cidr => ({ network, prefix });

const SPECIAL_RANGES: ReadonlyArray<{ range: Cidr; what: string }> = [
  { range: range('0.0.0.0', 8), what: '"this network" (0.0.0.0/8)' },
  { range: range('127.0.0.0', 8), what: 'loopback (127.0.0.0/8)' },
  { range: range('169.254.0.0', 16), what: 'link-local (169.254.0.0/16)' },
  { range: range('224.0.0.0', 4), what: 'multicast (224.0.0.0/4)' },
  { range: range('240.0.0.0', 4), what: 'reserved (240.0.0.0/4)' },
];

const PRIVATE_RANGES: readonly Cidr[] = [range('10.0.0.0', 8), range('172.16.0.0', 12), range('192.168.0.0', 16)];

/** What a lab network may be, with the providers' ranges it must keep clear of. */
export function labNetworkAllowed(reserved: readonly ReservedRange[]): string {
  const clear = reserved.map((r) => formatCidr(r.range));
  const tail =
    clear.length === 0
      ? ''
      : `, clear of ${clear.length === 1 ? clear[0] : `${clear.slice(0, -1).join(', ')} and ${clear.at(-1)}`}`;
  return `a private network inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16${tail}`;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && overlaps(outer, inner);
}

/** Why a network cannot be a lab network, or undefined when it can. */
export function networkRangeProblem(network: Cidr, reserved: readonly ReservedRange[]): string | undefined {
  const special = [...SPECIAL_RANGES, ...reserved].find((s) => overlaps(network, s.range));
  if (special) return `overlaps ${special.what}`;
  if (!PRIVATE_RANGES.some((p) => contains(p, network))) return 'is not a private network';
  return undefined;
}
