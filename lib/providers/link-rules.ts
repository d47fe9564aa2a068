// A link's loss and delay as rules inside a machine: iptables' statistic match drops a share of
// its packets each way (it needs no kernel module beyond iptables'), netem holds them. The same
// rules on every provider that runs them in the machine's own network stack (namespaces,
// containers), and read back the same way.
/** The comment that marks hafarm's iptables rules of a link, so they are found and nothing else is touched. */
export const LINK_RULE_MARK = 'hafarm-link';

/** The iptables rules (without -A/-D) that drop `percent` of a link's packets, each way. */
export function lossRules(inside: string, percent: number): string[][] {
  const probability = (percent / 100).toFixed(4);
  const drop = [
    '-m',
    'statistic',
    '--mode',
    'random',
    '--probability',
    probability,
    '-m',
    'comment',
    '--comment',
    LINK_RULE_MARK,
    '-j',
    'DROP',
  ];
  return [
    ['INPUT', '-i', inside, ...drop],
    ['OUTPUT', '-o', inside, ...drop],
  ];
}

/** The loss in percent that `iptables -S` shows for a link (0 when none). */
export function lossOf(rules: string, inside: string): number {
  const line = rules
    .split('\n')
    .find((l) => l.startsWith('-A INPUT ') && l.includes(` -i ${inside} `) && l.includes(LINK_RULE_MARK));
  const probability = line && /--probability (\d+(?:\.\d+)?)/.exec(line)?.[1];
  return probability ? Math.round(Number(probability) * 1000) / 10 : 0;
}

/** The delay in ms that `tc qdisc show dev X` shows for netem on an interface (0 when none). */
export function delayOf(qdiscs: string): number {
  const netem = qdiscs.split('\n').find((l) => l.startsWith('qdisc netem '));
  const delay = netem && /\bdelay (\d+(?:\.\d+)?)(us|ms|s)\b/.exec(netem);
  if (!delay) return 0;
  const value = Number(delay[1]);
  return delay[2] === 's' ? value * 1000 : delay[2] === 'us' ? value / 1000 : value;
}
