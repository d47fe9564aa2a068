// The management network (the stand-in for VirtualBox's NAT adapter, for SSH from the host)
// gets a /24 that clashes with no route of the host and no network of the lab.
import { createHash } from 'node:crypto';
import { overlaps, parseCidr, type Cidr } from '../../lab/ipv4.ts';
import type { Lab } from '../../lab/model.ts';

/** Candidates in 10.213.0.0/16, starting at a place derived from the lab name. */
export function mgmtCandidates(lab: Lab): Cidr[] {
  const start = createHash('sha256').update(lab.name).digest()[0]!;
  return Array.from({ length: 256 }, (_, i) => ({ network: `10.213.${(start + i) % 256}.0`, prefix: 24 }));
}

/** Destinations of the host's routes (`ip -j route show table all`), as networks. */
export function routeNetworks(ipJson: string): Cidr[] {
  const routes = JSON.parse(ipJson || '[]') as Array<{ dst?: string }>;
  return routes.flatMap((r) => {
    if (!r.dst || r.dst === 'default') return [];
    const text = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    const [address, prefix] = text.split('/');
    const masked = parseCidr(`${address}/${prefix}`);
    if (!('error' in masked)) return [masked];
    // Host routes (/32) and odd prefixes: keep them as they are for the overlap test.
    return /^\d+\.\d+\.\d+\.\d+$/.test(address ?? '') ? [{ network: address!, prefix: Number(prefix) }] : [];
  });
}

export function chooseMgmtSubnet(lab: Lab, taken: Cidr[]): Cidr {
  const avoid = [...taken, lab.networks.lan.cidr, lab.networks.heartbeat.cidr];
  const free = mgmtCandidates(lab).find((candidate) => !avoid.some((t) => overlaps(candidate, t)));
  if (!free)
    throw new Error(
      'no free /24 in 10.213.0.0/16 for the management network: every one clashes with a route of this host',
    );
  return free;
}
