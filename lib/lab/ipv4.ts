// Plain IPv4 arithmetic for the lab definition: enough to validate addresses and subnets
// without pulling in a library for four functions.

export interface Cidr {
  /** network address, e.g. "192.168.1.0" */
  network: string;
  prefix: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

export function toInt(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function fromInt(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function maskInt(prefix: number): number {
  return prefix === 0 ? 0 : 2 ** 32 - 2 ** (32 - prefix);
}

/** Parses "a.b.c.d/n"; returns an error text (what is allowed) instead of throwing. */
export function parseCidr(text: string): Cidr | { error: string } {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match || !isIpv4(match[1]!) || Number(match[2]) > 32) {
    return { error: 'a network in CIDR form such as 192.168.1.0/24' };
  }
  const prefix = Number(match[2]);
  if (prefix < 8 || prefix > 30) return { error: 'a prefix length from /8 to /30' };
  const { network } = networkOf(match[1]!, prefix);
  if (network !== match[1]) {
    return { error: `the network address itself (${network}/${prefix}), without host bits set` };
  }
  return { network, prefix };
}

/** The network an address is in under a prefix: 192.168.1.101 and 24 give 192.168.1.0/24. */
export function networkOf(address: string, prefix: number): Cidr {
  const base = toInt(address);
  return { network: fromInt((base - (base % 2 ** (32 - prefix))) >>> 0), prefix };
}

export function netmask(cidr: Cidr): string {
  return fromInt(maskInt(cidr.prefix));
}

export function broadcast(cidr: Cidr): string {
  return fromInt(toInt(cidr.network) + 2 ** (32 - cidr.prefix) - 1);
}

export function formatCidr(cidr: Cidr): string {
  return `${cidr.network}/${cidr.prefix}`;
}

/** True when the address is a usable host address of the network (not network or broadcast). */
export function isHostOf(cidr: Cidr, address: string): boolean {
  const value = toInt(address);
  const first = toInt(cidr.network);
  const last = first + 2 ** (32 - cidr.prefix) - 1;
  return value > first && value < last;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aFirst = toInt(a.network);
  const bFirst = toInt(b.network);
  const aLast = aFirst + 2 ** (32 - a.prefix) - 1;
  const bLast = bFirst + 2 ** (32 - b.prefix) - 1;
  return aFirst <= bLast && bFirst <= aLast;
}

/** The highest usable address of a network that is not in `used`; undefined when none is free. */
export function highestFreeAddress(cidr: Cidr, used: readonly string[]): string | undefined {
  const taken = new Set(used);
  for (let value = toInt(broadcast(cidr)) - 1; value > toInt(cidr.network); value--) {
    const address = fromInt(value);
    if (!taken.has(address) && isHostOf(cidr, address)) return address;
  }
  return undefined;
}
