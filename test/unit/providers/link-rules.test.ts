// A link degraded inside a machine (lib/providers/link-rules.ts): the iptables rules that drop
// a share of its packets each way, read back from `iptables -S`, and netem's delay read back
// from `tc qdisc show`, as those programs print them.
import { describe, expect, it } from 'vitest';
import { delayOf, lossOf, lossRules } from '../../../lib/providers/link-rules.ts';

describe('a link degraded inside a machine', () => {
  it('drops a share of the packets each way: in on the interface, out of it', () => {
    expect(lossRules('eth2', 30)).toEqual([
      [
        'INPUT',
        '-i',
        'eth2',
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        '0.3000',
        '-m',
        'comment',
        '--comment',
        'hafarm-link',
        '-j',
        'DROP',
      ],
      [
        'OUTPUT',
        '-o',
        'eth2',
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        '0.3000',
        '-m',
        'comment',
        '--comment',
        'hafarm-link',
        '-j',
        'DROP',
      ],
    ]);
  });

  it('reads the loss back as iptables -S prints it, for that interface only and only from its own rules', () => {
    const rules = [
      '-P INPUT ACCEPT',
      '-A INPUT -i eth2 -m statistic --mode random --probability 0.29999999981 -m comment --comment hafarm-link -j DROP',
      '-A OUTPUT -o eth2 -m statistic --mode random --probability 0.29999999981 -m comment --comment hafarm-link -j DROP',
      '-A INPUT -i eth1 -m statistic --mode random --probability 0.50000000000 -j DROP',
    ].join('\n');
    expect(lossOf(rules, 'eth2')).toBe(30);
    expect(lossOf(rules, 'eth1')).toBe(0);
    expect(lossOf('-P INPUT ACCEPT', 'eth2')).toBe(0);
  });

  it("reads netem's delay back as tc prints it", () => {
    expect(delayOf('qdisc netem 8001: root refcnt 2 limit 1000 delay 200ms')).toBe(200);
    expect(delayOf('qdisc netem 8001: root refcnt 2 limit 1000 delay 1.5s')).toBe(1500);
    expect(delayOf('qdisc netem 8001: root refcnt 2 limit 1000 delay 500us')).toBe(0.5);
    expect(delayOf('qdisc noqueue 0: root refcnt 2')).toBe(0);
  });
});
