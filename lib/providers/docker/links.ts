// A Docker machine's links, changed from inside the container (it has NET_ADMIN), which is the
// one place every Docker host lets hafarm reach: on Docker Desktop the host end of a container's
// veth is inside Docker's own VM. Cutting a link sets the machine's interface down (its address
// stays, and comes back with its routes when it is set up again); loss drops a share of the
// packets each way with iptables' statistic match in the container, as on the namespace provider;
// delay holds them with netem where the kernel that runs the containers has it.
import { delayOf, LINK_RULE_MARK, lossOf, lossRules } from '../link-rules.ts';
import { LinkChangeUnsupported, type LinkChange, type LinkNetwork, type LinkState } from '../provider.ts';
import { docker, dockerOutcome, DockerCommandFailed } from './docker-cli.ts';

export interface ContainerLink {
  host: string;
  network: LinkNetwork;
  container: string;
  /** the interface inside, e.g. eth2 */
  inside: string;
}

function inContainer(link: ContainerLink, args: string[]): Promise<string> {
  return docker(['container', 'exec', link.container, ...args]);
}

/** Whether the machine has iptables: the image built from the namespace provider's root has none yet. */
async function hasIptables(link: ContainerLink): Promise<boolean> {
  return (await dockerOutcome(['container', 'exec', link.container, 'sh', '-c', 'command -v iptables'])).exitCode === 0;
}

async function setLoss(link: ContainerLink, percent: number): Promise<void> {
  if (!(await hasIptables(link))) {
    if (percent === 0) return; // no iptables, so no loss rule to clear
    throw new LinkChangeUnsupported(
      `loss: the Docker machines have no iptables yet (their image is the namespace provider's root, which runs iptables from the host); cut the link (down) instead`,
    );
  }
  const current = await inContainer(link, ['iptables', '-w', '-S']);
  for (const line of current
    .split('\n')
    .filter(
      (l) => l.includes(LINK_RULE_MARK) && (l.includes(` -i ${link.inside} `) || l.includes(` -o ${link.inside} `)),
    )) {
    const rule = line
      .replace(/^-A /, '')
      .split(' ')
      .map((word) => word.replace(/^"(.*)"$/, '$1'));
    await inContainer(link, ['iptables', '-w', '-D', ...rule]);
  }
  if (percent > 0)
    for (const rule of lossRules(link.inside, percent)) await inContainer(link, ['iptables', '-w', '-A', ...rule]);
}

async function setDelay(link: ContainerLink, ms: number): Promise<void> {
  try {
    if (ms > 0)
      await inContainer(link, ['tc', 'qdisc', 'replace', 'dev', link.inside, 'root', 'netem', 'delay', `${ms}ms`]);
    else if (delayOf(await inContainer(link, ['tc', 'qdisc', 'show', 'dev', link.inside])) > 0)
      await inContainer(link, ['tc', 'qdisc', 'del', 'dev', link.inside, 'root']);
  } catch (error) {
    if (error instanceof DockerCommandFailed && /qdisc kind is unknown|Specified qdisc not found/.test(error.message))
      throw new LinkChangeUnsupported(
        `delay: the kernel that runs the containers has no netem (the sch_netem module), which holds the packets; degrade the link with loss only, which needs none`,
      );
    throw error;
  }
}

export async function changeLink(link: ContainerLink, change: LinkChange): Promise<void> {
  switch (change.kind) {
    case 'down':
    case 'up':
      await inContainer(link, ['ip', 'link', 'set', 'dev', link.inside, change.kind]);
      return;
    case 'loss':
      return setLoss(link, change.percent);
    case 'delay':
      return setDelay(link, change.ms);
    case 'clear':
      await setLoss(link, 0);
      await setDelay(link, 0);
  }
}

/** What one container says of its links: one docker exec for all of its interfaces. */
async function readContainer(
  container: string,
): Promise<{ links: Array<{ ifname: string; flags: string[] }>; rules: string; qdiscs: string }> {
  const said = await dockerOutcome([
    'container',
    'exec',
    container,
    'sh',
    '-c',
    'ip -j link show; echo @@; iptables -w -S 2>/dev/null; echo @@; tc qdisc show',
  ]);
  const [links = '[]', rules = '', qdiscs = ''] = said.stdout.split('@@\n');
  let parsed: Array<{ ifname: string; flags: string[] }> = [];
  try {
    parsed = JSON.parse(links.trim() || '[]') as typeof parsed;
  } catch {
    parsed = [];
  }
  return { links: parsed, rules, qdiscs };
}

export async function readLinks(all: readonly ContainerLink[]): Promise<LinkState[]> {
  const containers = [...new Set(all.map((l) => l.container))];
  const read = new Map(await Promise.all(containers.map(async (c) => [c, await readContainer(c)] as const)));
  return all.map((link) => {
    const seen = read.get(link.container)!;
    return {
      host: link.host,
      network: link.network,
      up: seen.links.find((l) => l.ifname === link.inside)?.flags.includes('UP') ?? false,
      lossPercent: lossOf(seen.rules, link.inside),
      delayMs: delayOf(
        seen.qdiscs
          .split('\n')
          .filter((line) => line.includes(` dev ${link.inside} `))
          .join('\n'),
      ),
    };
  });
}
