// A namespace machine's links. Each lab network reaches the machine through a veth pair whose host
// end sits on the network's bridge. Cutting the link sets the host end down, so the machine's end
// loses its carrier as with a pulled cable. Loss drops a share of the packets each way with
// iptables' statistic match inside the machine's network namespace (it needs no kernel module
// beyond iptables'); delay holds them with netem (tc) on both ends, where the kernel has netem.
import { LinkChangeUnsupported, type LinkChange, type LinkNetwork, type LinkState } from '../provider.ts';
import { hostTool, type HostTool } from '../host-tools.ts';
import { HostCommandFailed, run } from './host-command.ts';
import { delayOf, lossOf, lossRules, LINK_RULE_MARK } from '../link-rules.ts';

/** The two ends of one machine's link to one lab network. */
export interface LinkEnds {
  host: string;
  network: LinkNetwork;
  /** the veth end on the host's bridge, e.g. hswap-12 */
  hostEnd: string;
  /** the machine's network namespace */
  namespace: string;
  /** the interface inside it, e.g. eth2 */
  inside: string;
}

/** A program of this host run inside the machine's network namespace (iptables, tc). */
function inMachine(ends: LinkEnds, program: HostTool, args: string[]): Promise<string> {
  return run('ip', ['netns', 'exec', ends.namespace, hostTool(program), ...args]);
}

function iptables(ends: LinkEnds, args: string[]): Promise<string> {
  return inMachine(ends, 'iptables', ['-w', ...args]);
}

async function setLoss(ends: LinkEnds, percent: number): Promise<void> {
  const current = await iptables(ends, ['-S']);
  for (const line of current
    .split('\n')
    .filter(
      (l) => l.includes(LINK_RULE_MARK) && (l.includes(` -i ${ends.inside} `) || l.includes(` -o ${ends.inside} `)),
    )) {
    await iptables(ends, [
      '-D',
      ...line
        .replace(/^-A /, '')
        .split(' ')
        .map((word) => word.replace(/^"(.*)"$/, '$1')),
    ]);
  }
  if (percent > 0) for (const rule of lossRules(ends.inside, percent)) await iptables(ends, ['-A', ...rule]);
}

/** netem's delay on both ends, or none; what a kernel without netem cannot do is said so. */
async function setDelay(ends: LinkEnds, ms: number): Promise<void> {
  try {
    if (ms > 0) {
      await inMachine(ends, 'tc', ['qdisc', 'replace', 'dev', ends.inside, 'root', 'netem', 'delay', `${ms}ms`]);
      await run('tc', ['qdisc', 'replace', 'dev', ends.hostEnd, 'root', 'netem', 'delay', `${ms}ms`]);
    } else {
      if (delayOf(await inMachine(ends, 'tc', ['qdisc', 'show', 'dev', ends.inside])) > 0)
        await inMachine(ends, 'tc', ['qdisc', 'del', 'dev', ends.inside, 'root']);
      if (delayOf(await run('tc', ['qdisc', 'show', 'dev', ends.hostEnd])) > 0)
        await run('tc', ['qdisc', 'del', 'dev', ends.hostEnd, 'root']);
    }
  } catch (error) {
    if (error instanceof HostCommandFailed && /qdisc kind is unknown/.test(error.message)) {
      throw new LinkChangeUnsupported(
        `delay: this host's kernel has no netem (the sch_netem module), which holds the packets; load it (modprobe sch_netem) or degrade the link with loss only, which needs none`,
      );
    }
    throw error;
  }
}

export async function changeLink(ends: LinkEnds, change: LinkChange): Promise<void> {
  switch (change.kind) {
    case 'down':
    case 'up':
      await run('ip', ['link', 'set', ends.hostEnd, change.kind]);
      return;
    case 'loss':
      return setLoss(ends, change.percent);
    case 'delay':
      return setDelay(ends, change.ms);
    case 'clear':
      await setLoss(ends, 0);
      await setDelay(ends, 0);
  }
}

/** The links as they are now: one read of the host's links, and of each machine's rules, for all of them. */
export async function readLinks(all: LinkEnds[]): Promise<LinkState[]> {
  const hostLinks = JSON.parse((await run('ip', ['-j', 'link', 'show'])) || '[]') as Array<{
    ifname: string;
    flags: string[];
  }>;
  const qdiscs = (await run('tc', ['qdisc', 'show'])).split('\n');
  const machines = [...new Map(all.map((ends) => [ends.namespace, ends])).values()];
  const rules = new Map(
    await Promise.all(machines.map(async (ends) => [ends.namespace, await iptables(ends, ['-S'])] as const)),
  );
  return all.map((ends) => ({
    host: ends.host,
    network: ends.network,
    up: hostLinks.find((l) => l.ifname === ends.hostEnd)?.flags.includes('UP') ?? false,
    lossPercent: lossOf(rules.get(ends.namespace)!, ends.inside),
    delayMs: delayOf(qdiscs.filter((line) => line.includes(` dev ${ends.hostEnd} `)).join('\n')),
  }));
}
