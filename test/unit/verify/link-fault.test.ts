// What V8 and V9 say around the broken link, in English and Spanish: why they cannot begin, the
// balancers' log lines they quote, the holder left at the end, and the restart hafarm did.
import { describe, expect, it } from 'vitest';
import { english, speaker } from '../../../lib/said.ts';
import { aloneHolds, notReadyWords, peerLines, restartWords } from '../../../lib/verify/link-fault.ts';

const es = speaker('es');

describe('why a check that breaks a link cannot begin', () => {
  it('the master without the VIP', () => {
    const reason = { why: 'no VIP', master: 'haproxy1', vip: '192.168.1.100' } as const;
    expect(notReadyWords(reason, english)).toBe('haproxy1 does not hold the VIP 192.168.1.100 to begin with');
    expect(notReadyWords(reason, es)).toBe('haproxy1 no tiene la VIP 192.168.1.100 al empezar');
  });

  it('no heartbeat link to show, or one not in its normal state (the command to fix it the same in both)', () => {
    const none = { why: 'no link', host: 'haproxy2', provider: 'netns' } as const;
    expect(notReadyWords(none, english)).toBe('haproxy2 has no heartbeat link that netns can show');
    expect(notReadyWords(none, es)).toBe('haproxy2 no tiene ningún enlace de latidos que netns pueda mostrar');
    const odd = { why: 'link not normal', host: 'haproxy2' } as const;
    expect(notReadyWords(odd, english)).toBe(
      "haproxy2's heartbeat link is not in its normal state to begin with (npm run lab:link -- haproxy2 heartbeat up, then clear)",
    );
    expect(notReadyWords(odd, es)).toBe(
      'el enlace de latidos de haproxy2 no está en su estado normal al empezar (npm run lab:link -- haproxy2 heartbeat up, y después clear)',
    );
  });
});

describe("the balancers' log lines quoted", () => {
  const mark = { host: 'haproxy2', file: '/var/log/ha-log' };

  it('quotes the last lines as they are, in any language', () => {
    const lines = ['a', 'b', 'WARN: node haproxy1: is dead'];
    expect(peerLines(mark, { lines }, 2, es)).toEqual([
      'haproxy2 /var/log/ha-log: b',
      'haproxy2 /var/log/ha-log: WARN: node haproxy1: is dead',
    ]);
    expect(peerLines(mark, { lines }, 2, english)).toEqual(peerLines(mark, { lines }, 2, es));
  });

  it('says when there was nothing, or the log could not be read', () => {
    expect(peerLines(mark, { lines: [] }, 6, english)).toEqual([
      'haproxy2 /var/log/ha-log: nothing of its peer since the check began',
    ]);
    expect(peerLines(mark, { lines: [] }, 6, es)).toEqual([
      'haproxy2 /var/log/ha-log: nada de su par desde que empezó la comprobación',
    ]);
    expect(peerLines(mark, { error: 'Permission denied' }, 6, english)).toEqual([
      'haproxy2 /var/log/ha-log: (its log could not be read: Permission denied)',
    ]);
    expect(peerLines(mark, { error: 'Permission denied' }, 6, es)).toEqual([
      'haproxy2 /var/log/ha-log: (no pudo leerse su log: Permission denied)',
    ]);
  });
});

describe('the end of the story', () => {
  it('one balancer alone with the VIP, after a restart or not', () => {
    expect(aloneHolds('haproxy1', english)).toBe('haproxy1 alone holds the VIP');
    expect(aloneHolds('haproxy1', es)).toBe('solo haproxy1 tiene la VIP');
    const restarted = { stack: 'Heartbeat', on: 'haproxy2' };
    expect(aloneHolds('haproxy1', english, restarted)).toBe(
      'haproxy1 alone holds the VIP (Heartbeat restarted on haproxy2)',
    );
    expect(aloneHolds('haproxy1', es, restarted)).toBe('solo haproxy1 tiene la VIP (Heartbeat reiniciado en haproxy2)');
  });

  it('the restart hafarm did when the farm did not heal by itself', () => {
    const healed = { timeoutSeconds: 60, stack: 'Heartbeat', on: 'haproxy2', healedHost: 'haproxy1' };
    expect(restartWords(healed, english)).toBe(
      'not healed by itself within 60 s: hafarm restarted Heartbeat on haproxy2, then haproxy1 alone held the VIP',
    );
    expect(restartWords(healed, es)).toBe(
      'la granja no se recuperó por sí sola en 60 s: hafarm reinició Heartbeat en haproxy2, y después solo haproxy1 tuvo la VIP',
    );
    const still = { timeoutSeconds: 60, stack: 'keepalived', on: 'haproxy2' };
    expect(restartWords(still, english)).toBe(
      'not healed by itself within 60 s: hafarm restarted keepalived on haproxy2, and still no single holder',
    );
    expect(restartWords(still, es)).toBe(
      'la granja no se recuperó por sí sola en 60 s: hafarm reinició keepalived en haproxy2, y aun así no quedó un único titular',
    );
  });
});
