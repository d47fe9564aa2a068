// Links put back as they were before V8/V9: the changes that undo what a check did, and only those.
import { describe, expect, it } from 'vitest';
import type { LinkChange, LinkNetwork, LinkState } from '../../../lib/providers/provider.ts';
import { english, speaker } from '../../../lib/said.ts';
import { changesBack, restoreLinks } from '../../../lib/verify/link-restore.ts';

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

describe('restoreLinks', () => {
  const before = [link('haproxy1'), link('haproxy2')];
  const now = [link('haproxy1', { lossPercent: 60 }), link('haproxy2', { up: false })];
  /** A provider whose links are `now`, which refuses to set haproxy2's. */
  const provider = (read = true) => {
    const set: Array<[string, LinkNetwork, LinkChange]> = [];
    return {
      set,
      links: () => (read ? Promise.resolve(now) : Promise.reject(new Error('ip: command not found'))),
      setLink: (host: string, network: LinkNetwork, change: LinkChange) => {
        if (host === 'haproxy2') return Promise.reject(new Error('no such device'));
        set.push([host, network, change]);
        return Promise.resolve();
      },
    };
  };

  it('puts back what it can and says what it could not, in English', async () => {
    const p = provider();
    expect(await restoreLinks(p, before, english)).toEqual([
      "haproxy2's heartbeat link could not be put back (up): no such device",
    ]);
    expect(p.set).toEqual([['haproxy1', 'heartbeat', { kind: 'loss', percent: 0 }]]);
  });

  it('and in Spanish, the change named in Spanish and the error quoted as it is', async () => {
    expect(await restoreLinks(provider(), before, speaker('es'))).toEqual([
      'el enlace heartbeat de haproxy2 no pudo restaurarse (conexión): no such device',
    ]);
  });

  it('says when the links could not be read at all', async () => {
    expect(await restoreLinks(provider(false), before, english)).toEqual([
      'the links could not be read to restore them: ip: command not found',
    ]);
    expect(await restoreLinks(provider(false), before, speaker('es'))).toEqual([
      'no pudieron leerse los enlaces para restaurarlos: ip: command not found',
    ]);
  });
});
