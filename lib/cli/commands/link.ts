// lab:link HOST NETWORK down|up|loss N%|delay Nms|clear: one machine's link to a lab network cut,
// restored or degraded, as pulling a cable or a flaky switch would (issue 16: the lessons of split
// brain and of a lossy heartbeat link). Without an action it prints the machine's links.
import {
  LINK_NETWORKS,
  linkIsNormal,
  type LinkChange,
  type LinkNetwork,
  type LinkState,
} from '../../providers/provider.ts';
import { UsageError, type Command } from '../command.ts';
import { hostArgument, LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';

const USAGE = 'npm run lab:link -- HOST lan|heartbeat [down|up|loss N%|delay Nms|clear]';

/** The change the words after HOST and NETWORK ask for; a UsageError naming what is allowed. */
export function parseLinkChange(words: string[]): LinkChange | undefined {
  const [action, value, ...rest] = words;
  if (action === undefined) return undefined;
  if (rest.length > 0 || (value !== undefined && !['loss', 'delay'].includes(action)))
    throw new UsageError(
      `lab:link: "${[action, value, ...rest].filter(Boolean).join(' ')}": one action only (${USAGE})`,
    );
  if (action === 'down' || action === 'up' || action === 'clear') return { kind: action };
  if (action === 'loss') {
    const match = value === undefined ? null : /^(\d{1,3}(?:\.\d)?)%$/.exec(value);
    const percent = match ? Number(match[1]) : NaN;
    if (!(percent > 0 && percent <= 100))
      throw new UsageError(
        `lab:link loss: "${value ?? ''}" is not a share of the packets (allowed: from 0.1% to 100%, such as 30%)`,
      );
    return { kind: 'loss', percent };
  }
  if (action === 'delay') {
    const match = value === undefined ? null : /^(\d{1,5})ms$/.exec(value);
    const ms = match ? Number(match[1]) : NaN;
    if (!(ms >= 1 && ms <= 10_000))
      throw new UsageError(
        `lab:link delay: "${value ?? ''}" is not a delay (allowed: from 1ms to 10000ms, such as 200ms)`,
      );
    return { kind: 'delay', ms };
  }
  throw new UsageError(`lab:link: "${action}" is not an action (allowed: down, up, loss N%, delay Nms, clear)`);
}

/** One link in words: "haproxy2 heartbeat: down, 30% loss". */
export function describeLink(link: LinkState): string {
  const said = [
    link.up ? 'up' : 'down (cut)',
    ...(link.lossPercent > 0 ? [`${link.lossPercent}% loss`] : []),
    ...(link.delayMs > 0 ? [`${link.delayMs} ms delay`] : []),
  ];
  return `${link.host} ${link.network}: ${said.join(', ')}${linkIsNormal(link) ? '' : ' (not its normal state)'}`;
}

export const linkCommand: Command = {
  name: 'link',
  summary:
    "cut, restore or degrade one machine's link to a lab network (down, up, loss N%, delay Nms, clear); without an action, show its links",
  usage: `link HOST lan|heartbeat [down|up|loss N%|delay Nms|clear] [--lab FILE] [--state DIR]`,
  positionals: ['HOST', 'NETWORK', 'ACTION', 'VALUE'],
  options: LAB_OPTIONS,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const context = labContext(args);
    const host = hostArgument(args, context.lab, USAGE);
    const network = args.positionals[1];
    if (network !== undefined && !(LINK_NETWORKS as readonly string[]).includes(network))
      throw new UsageError(`lab:link: "${network}" is not a lab network (allowed: ${LINK_NETWORKS.join(', ')})`);
    const change = parseLinkChange(args.positionals.slice(2));
    const { provider } = upLab(context);
    if (network !== undefined && change !== undefined) await provider.setLink(host, network as LinkNetwork, change);
    const shown = (await provider.links()).filter(
      (l) => l.host === host && (network === undefined || l.network === network),
    );
    for (const link of shown) console.log(describeLink(link));
    return 0;
  },
};
