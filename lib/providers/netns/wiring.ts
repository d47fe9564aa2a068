// The lab's networks on the host: one Linux bridge per network with no host address on the LAN
// and heartbeat bridges (so the host never routes a lab address anywhere), and a management
// bridge with a host address for SSH. Machines get veth pairs into them, named as the tutorial's.
import { createHash } from 'node:crypto';
import { broadcast, fromInt, toInt, type Cidr } from '../../lab/ipv4.ts';
import { attempt, run } from './host-command.ts';
import type { NetnsNames } from './names.ts';

export async function linkExists(name: string): Promise<boolean> {
  return attempt('ip', ['link', 'show', 'dev', name]);
}

export async function ensureBridge(name: string, hostAddress?: { address: string; prefix: number }): Promise<void> {
  if (!(await linkExists(name))) {
    await run('ip', ['link', 'add', name, 'type', 'bridge']);
    // No IPv6 on the host side of lab bridges: the host sends nothing into the lab by itself.
    await attempt('sysctl', ['-q', '-w', `net.ipv6.conf.${name}.disable_ipv6=1`]);
  }
  if (hostAddress) {
    const shown = await run('ip', ['-o', '-4', 'addr', 'show', 'dev', name]);
    if (!shown.includes(` ${hostAddress.address}/`))
      await run('ip', ['addr', 'add', `${hostAddress.address}/${hostAddress.prefix}`, 'dev', name]);
  }
  await run('ip', ['link', 'set', name, 'up']);
}

export function mgmtHostAddress(mgmt: Cidr): string {
  return fromInt(toInt(mgmt.network) + 1);
}

export function mgmtMachineAddress(mgmt: Cidr, hostIndex: number): string {
  return fromInt(toInt(mgmt.network) + 10 + hostIndex);
}

export interface Plug {
  /** the host end, e.g. hswap-01 */
  hostEnd: string;
  bridge: string;
  /** the name inside the namespace, e.g. eth1 */
  inside: string;
  address: string;
  cidr: Cidr;
  /** the inside end's MAC, the same at every boot as a VM's NIC, so neighbours' ARP caches stay right */
  mac: string;
}

/** A locally administered unicast MAC derived from the names, stable across boots. */
export function stableMac(...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('/')).digest();
  const bytes = [0x02, digest[0]!, digest[1]!, digest[2]!, digest[3]!, digest[4]!];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A veth pair from a bridge into a namespace, with its address and broadcast (brd +: Heartbeat's bcast needs it). */
export async function plug(namespace: string, p: Plug): Promise<void> {
  await run('ip', ['link', 'add', p.hostEnd, 'type', 'veth', 'peer', 'name', p.inside, 'netns', namespace]);
  await run('ip', ['link', 'set', p.hostEnd, 'master', p.bridge]);
  await run('ip', ['link', 'set', p.hostEnd, 'up']);
  await run('ip', ['-n', namespace, 'link', 'set', p.inside, 'address', p.mac]);
  await run('ip', [
    '-n',
    namespace,
    'addr',
    'add',
    `${p.address}/${p.cidr.prefix}`,
    'brd',
    broadcast(p.cidr),
    'dev',
    p.inside,
  ]);
  await run('ip', ['-n', namespace, 'link', 'set', p.inside, 'up']);
}

export async function ensureNamespace(name: string): Promise<void> {
  const list = await run('ip', ['netns', 'list']);
  if (!list.split('\n').some((line) => line.split(' ')[0] === name)) await run('ip', ['netns', 'add', name]);
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Every namespace of the lab, found by prefix (also after a crash). */
export async function labNamespaces(names: NetnsNames): Promise<string[]> {
  return (await run('ip', ['netns', 'list']))
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(names.nsPrefix));
}

/** The processes in a network namespace; none when it is gone. */
export async function namespacePids(name: string): Promise<number[]> {
  return (await run('ip', ['netns', 'pids', name]).catch(() => '')).split('\n').map(Number).filter(Boolean);
}

/** Every namespace and host link of the lab, found by prefix (also after a crash). */
export async function labResources(names: NetnsNames): Promise<{ namespaces: string[]; links: string[] }> {
  const namespaces = await labNamespaces(names);
  const links = (JSON.parse((await run('ip', ['-j', 'link', 'show'])) || '[]') as Array<{ ifname: string }>)
    .map((l) => l.ifname)
    .filter((n) => n.startsWith(names.linkPrefix));
  return { namespaces, links };
}

/** Deletes a namespace of the lab after killing every process still in it (they are the lab's own). */
export async function removeNamespace(name: string): Promise<void> {
  for (const pid of await namespacePids(name)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await attempt('ip', ['netns', 'del', name]);
}
