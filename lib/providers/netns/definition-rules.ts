// What the namespace provider asks of a definition: room for its management addresses and for
// its LAN client, and its management range left free.
import { formatCidr, type Cidr } from '../../lab/ipv4.ts';
import type { Lab } from '../../lab/model.ts';
import { contains } from '../../lab/network-ranges.ts';
import type { FieldReader } from '../../lab/yaml-fields.ts';

/**
 * Machine i gets the management address .10+i of a /24 (wiring.ts, mgmtMachineAddress): .254 is
 * the last, for the 245th host.
 */
export const MAX_HOSTS = 245;

/** The management /24 is picked in here (mgmt-subnet.ts); a lab network must leave one free. */
export const NETNS_MANAGEMENT_RANGE: Cidr = { network: '10.213.0.0', prefix: 16 };

export function checkNetnsDefinition(r: FieldReader, lab: Lab): void {
  for (const name of ['lan', 'heartbeat'] as const) {
    const { cidr } = lab.networks[name];
    if (contains(cidr, NETNS_MANAGEMENT_RANGE)) {
      r.reportField(
        ['networks', name, 'cidr'],
        `${formatCidr(cidr)} covers 10.213.0.0/16, where the namespace provider puts its management network`,
        'a network that leaves 10.213.0.0/16 free',
      );
    }
  }
  if (lab.hosts.length > MAX_HOSTS) {
    r.reportField(
      ['hosts'],
      `${lab.hosts.length} hosts are more than a lab can have`,
      `at most ${MAX_HOSTS} hosts: the namespace provider numbers their management addresses from .10 to .254 of one /24`,
    );
  }
  // The LAN client goes on the highest address left free.
  const { lan } = lab.networks;
  const lanRoom = 2 ** (32 - lan.cidr.prefix) - 2;
  const lanTaken = lab.hosts.length + 2;
  if (lanTaken >= lanRoom) {
    r.reportField(
      ['networks', 'lan', 'cidr'],
      `${formatCidr(lan.cidr)} has ${lanRoom} host addresses: the gateway, the VIP and ${lab.hosts.length} hosts leave none for the namespace provider's LAN client`,
      `a LAN with at least ${lanTaken + 1} host addresses`,
    );
  }
}
