// Docker gives a subnet to one network of a daemon: a lab whose LAN or heartbeat subnet another
// network already has (another lab's, the user's own) would fail half way through lab:up with
// Docker's "Pool overlaps". Found first, every one at once, naming the field, before anything
// is made.
import type { Lab } from '../../lab/model.ts';
import { formatCidr, overlaps, parseCidr } from '../../lab/ipv4.ts';
import { UserFacingError } from '../../user-facing-error.ts';
import { docker, DockerCommandFailed, dockerOutcome } from './docker-cli.ts';
import { LAB_LABEL, STATE_LABEL } from './names.ts';

export class DockerSubnetTaken extends UserFacingError {
  override name = 'DockerSubnetTaken';
}

/** A network of the daemon, as `docker network inspect` gives it. */
export interface DaemonNetwork {
  Name: string;
  IPAM?: { Config?: Array<{ Subnet?: string }> | null };
  Labels?: Record<string, string> | null;
}

/** Each lab network whose subnet overlaps one of another network of the daemon (not this state folder's). */
export function subnetProblems(lab: Lab, stateDir: string, networks: readonly DaemonNetwork[]): string[] {
  const problems: string[] = [];
  for (const [field, network] of [
    ['lan', lab.networks.lan],
    ['heartbeat', lab.networks.heartbeat],
  ] as const) {
    for (const other of networks) {
      if (other.Labels?.[STATE_LABEL] === stateDir) continue;
      for (const config of other.IPAM?.Config ?? []) {
        const subnet = parseCidr(config.Subnet ?? '');
        if ('error' in subnet || !overlaps(subnet, network.cidr)) continue;
        const owner = other.Labels?.[LAB_LABEL]
          ? `lab "${other.Labels[LAB_LABEL]}" of state folder ${other.Labels[STATE_LABEL] ?? '?'}`
          : 'not made by hafarm';
        problems.push(
          `networks.${field}.cidr ${formatCidr(network.cidr)} overlaps ${config.Subnet} of the Docker network ${other.Name} (${owner})`,
        );
      }
    }
  }
  return problems;
}

/** Refuses the lab, before anything is made, when a subnet of it is another network's on this daemon. */
export async function requireFreeSubnets(lab: Lab, stateDir: string): Promise<void> {
  const ids = (await docker(['network', 'ls', '--quiet'])).split('\n').filter(Boolean);
  if (ids.length === 0) return;
  // inspect prints what it found and fails for a network removed since ls: what it found counts.
  const inspected = await dockerOutcome(['network', 'inspect', ...ids]);
  let networks: DaemonNetwork[];
  try {
    networks = JSON.parse(inspected.stdout || '[]') as DaemonNetwork[];
  } catch {
    throw new DockerCommandFailed(`docker network inspect said what is no JSON: ${inspected.stderr.trim()}`);
  }
  const problems = subnetProblems(lab, stateDir, networks);
  if (problems.length > 0)
    throw new DockerSubnetTaken(
      `${lab.file}: ${problems.join('; ')}. Docker keeps a subnet to one network of a daemon: give this lab other subnets (networks.lan.cidr, networks.heartbeat.cidr; allowed: private subnets no network of this daemon has), or destroy the other lab. Nothing was created.`,
    );
}
