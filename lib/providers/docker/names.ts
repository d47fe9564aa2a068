// Names and labels of everything a Docker lab makes on the daemon. Every name carries the lab's
// prefix, so two labs never collide; every object carries the lab's name and its state folder as
// labels, so lab:destroy removes only what this state folder made, and a second lab of the same
// name from another folder is refused rather than merged.
import { highestFreeAddress } from '../../lab/ipv4.ts';
import { lanAddressesInUse, type Lab } from '../../lab/model.ts';

export const LAB_LABEL = 'org.hafarm.lab';
export const STATE_LABEL = 'org.hafarm.state';

export type DockerNetwork = 'lan' | 'heartbeat' | 'mgmt';

export interface DockerNames {
  prefix: string;
  container(host: string): string;
  /** the client on the LAN that lab:verify's requests come from (no lab machine) */
  client: string;
  network(network: DockerNetwork): string;
}

export function dockerNames(lab: Lab): DockerNames {
  // Lab names hold no "-": one lab's prefix is never the start of another's.
  const prefix = `hafarm-${lab.name}-`;
  return {
    prefix,
    container: (host) => `${prefix}${host}`,
    // a "." no host name has: a host named "client" keeps its own container name
    client: `${prefix}lan.client`,
    network: (network) => `${prefix}${network === 'heartbeat' ? 'hb' : network}`,
  };
}

/**
 * Where Docker's bridge of a lab network sits: its highest address no machine (nor the VIP) has.
 * Docker keeps one address of every network for its bridge and gives the first by default: on
 * the heartbeat network that is haproxy1's, so the bridge is placed here instead.
 */
export function bridgeAddress(lab: Lab, network: 'lan' | 'heartbeat'): string {
  const used =
    network === 'lan' ? lanAddressesInUse(lab) : lab.hosts.flatMap((h) => (h.heartbeat ? [h.heartbeat] : []));
  const address = highestFreeAddress(lab.networks[network].cidr, used);
  if (!address) throw new Error(`no free address on the ${network} network for Docker's bridge`);
  return address;
}

/** Where the client container sits on the LAN: its highest address neither a machine nor Docker's bridge has. */
export function clientAddress(lab: Lab): string {
  const used = [...lanAddressesInUse(lab), bridgeAddress(lab, 'lan')];
  const address = highestFreeAddress(lab.networks.lan.cidr, used);
  if (!address) throw new Error('no free address on the LAN for the client container');
  return address;
}
