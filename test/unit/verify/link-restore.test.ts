// Links put back as they were before V8/V9: the changes that undo what a check did, and only those.
import { describe, expect, it } from 'vitest';
import type { LinkState } from '../../../lib/providers/provider.ts';
import { changesBack } from '../../../lib/verify/link-restore.ts';

const link = (host: string, over: Partial<LinkState> = {}): LinkState => ({
  host,
  network: 'heartbeat',
  up: true,
  lossPercent: 0,
  delayMs: 0,
  ...over,
});

describe('changesBack', () => {
  it('undoes a cut, a loss and a delay, back to what each link was', () => {
    const before = [link('haproxy1'), link('haproxy2', { lossPercent: 10 })];
    const now = [link('haproxy1', { up: false, delayMs: 200 }), link('haproxy2', { lossPercent: 100 })];
    expect(changesBack(before, now)).toEqual([
      { host: 'haproxy1', network: 'heartbeat', change: { kind: 'up' } },
      { host: 'haproxy1', network: 'heartbeat', change: { kind: 'delay', ms: 0 } },
      { host: 'haproxy2', network: 'heartbeat', change: { kind: 'loss', percent: 10 } },
    ]);
  });

  it('changes nothing that is as it was, nor a link it did not know before (a machine powered on since)', () => {
    expect(
      changesBack(
        [link('haproxy1', { up: false })],
        [link('haproxy1', { up: false }), link('web1', { network: 'lan', up: false })],
      ),
    ).toEqual([]);
  });
});
