// lab:link's words (lib/cli/commands/link.ts): the actions it takes, what it refuses with the
// allowed values, and a link said in words.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../lib/cli/command.ts';
import { describeLink, parseLinkChange } from '../../../../lib/cli/commands/link.ts';

describe('lab:link', () => {
  it('reads down, up, clear, loss N% and delay Nms', () => {
    expect(parseLinkChange([])).toBeUndefined();
    expect(parseLinkChange(['down'])).toEqual({ kind: 'down' });
    expect(parseLinkChange(['up'])).toEqual({ kind: 'up' });
    expect(parseLinkChange(['clear'])).toEqual({ kind: 'clear' });
    expect(parseLinkChange(['loss', '30%'])).toEqual({ kind: 'loss', percent: 30 });
    expect(parseLinkChange(['loss', '0.5%'])).toEqual({ kind: 'loss', percent: 0.5 });
    expect(parseLinkChange(['delay', '200ms'])).toEqual({ kind: 'delay', ms: 200 });
  });

  it('refuses anything else, saying what is allowed', () => {
    expect(() => parseLinkChange(['cut'])).toThrow(
      '"cut" is not an action (allowed: down, up, loss N%, delay Nms, clear)',
    );
    expect(() => parseLinkChange(['loss', '30'])).toThrow('allowed: from 0.1% to 100%');
    expect(() => parseLinkChange(['loss', '0%'])).toThrow(UsageError);
    expect(() => parseLinkChange(['loss', '101%'])).toThrow(UsageError);
    expect(() => parseLinkChange(['delay', '2s'])).toThrow('allowed: from 1ms to 10000ms');
    expect(() => parseLinkChange(['down', 'now'])).toThrow('one action only');
    expect(() => parseLinkChange(['loss', '30%', 'delay'])).toThrow('one action only');
  });

  it('says a link in words, and when it is not in its normal state', () => {
    expect(describeLink({ host: 'haproxy2', network: 'heartbeat', up: true, lossPercent: 0, delayMs: 0 })).toBe(
      'haproxy2 heartbeat: up',
    );
    expect(describeLink({ host: 'haproxy2', network: 'heartbeat', up: false, lossPercent: 30, delayMs: 200 })).toBe(
      'haproxy2 heartbeat: down (cut), 30% loss, 200 ms delay (not its normal state)',
    );
  });
});
