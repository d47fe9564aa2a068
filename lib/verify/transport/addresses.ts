// Which machine holds an address, and on which interface: asked of the machines themselves
// with `ip`, the same on every provider and every box.
import { quote } from '../../engine/ssh/shell-quote.ts';
import type { MachineConnections } from './machine-connections.ts';

type Reach = Pick<MachineConnections, 'exec' | 'isOff'>;

/** Whether the machine holds the address on any interface; false when it is off or does not answer. */
export async function holds(machines: Reach, host: string, address: string): Promise<boolean> {
  if (machines.isOff(host)) return false;
  try {
    const result = await machines.exec(host, `ip -4 -o addr show | grep -c -F ${quote(` ${address}/`)} || true`);
    return result.stdout.trim() !== '0' && result.stdout.trim() !== '';
  } catch {
    return false;
  }
}

/**
 * The one host that holds the address: undefined when none does, and when several do (a split
 * brain is no holder of the VIP: a check that waits for the master to hold it must not begin
 * while the backup holds it too). Every host is asked, at once.
 */
export async function holderOf(machines: Reach, hosts: string[], address: string): Promise<string | undefined> {
  const held = await Promise.all(hosts.map((host) => holds(machines, host, address)));
  const holders = hosts.filter((_, i) => held[i]);
  return holders.length === 1 ? holders[0] : undefined;
}

/** The name of the machine's interface that carries an address (eth1, or enp0s8 on some boxes). */
export async function interfaceWith(
  machines: Pick<MachineConnections, 'exec'>,
  host: string,
  address: string,
): Promise<string> {
  const result = await machines.exec(host, `ip -o -4 addr show to ${quote(`${address}/32`)}`);
  const iface = result.stdout.trim().split(/\s+/)[1]?.split('@')[0];
  if (!iface) throw new Error(`${host} has no interface with ${address}`);
  return iface;
}

/** The MAC address of the machine's interface that carries an address: what its ARP answers say. */
export async function macWith(
  machines: Pick<MachineConnections, 'exec'>,
  host: string,
  address: string,
): Promise<string> {
  const iface = await interfaceWith(machines, host, address);
  return (await machines.exec(host, `cat /sys/class/net/${quote(iface)}/address`)).stdout.trim();
}
