// What V8 and V9 read from who held the VIP moment by moment: spans, moves, splits, the one
// holder left for good, and the balancer each request went through.
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../lib/verify/steady-load.ts';
import { english, speaker } from '../../../lib/said.ts';
import {
  holderLanes,
  holderSpans,
  perBalancer,
  soleHolder,
  splitSpans,
  takeovers,
  throughBalancers,
  vacantSpans,
  type VipReading,
} from '../../../lib/verify/vip-history.ts';

const r = (at: number, ...holders: string[]): VipReading => ({ at, holders });
// haproxy1 throughout; haproxy2 joins at 6 (split brain), both give up at 14 (Heartbeat restarting), haproxy1 back at 20.
const story = [
  r(0, 'h1'),
  r(2, 'h1'),
  r(6, 'h1', 'h2'),
  r(10, 'h1', 'h2'),
  r(14),
  r(18),
  r(20, 'h1'),
  r(25, 'h1'),
  r(30, 'h1'),
];

describe('who held the VIP', () => {
  it('as spans per balancer, an open one closed at the end', () => {
    expect(holderSpans(story, 'h1', 31)).toEqual([
      [0, 14],
      [20, 31],
    ]);
    expect(holderSpans(story, 'h2', 31)).toEqual([[6, 14]]);
    expect(holderSpans(story, 'h3', 31)).toEqual([]);
  });

  it('moves: each time a balancer took it, the first reading not counted', () => {
    expect(takeovers(story)).toEqual([
      { at: 6, host: 'h2' },
      { at: 20, host: 'h1' },
    ]);
    expect(takeovers([r(0, 'h1'), r(1, 'h1')])).toEqual([]);
  });

  it('two holders and no holder, as spans and in seconds', () => {
    expect(splitSpans(story, 31)).toEqual({ spans: [[6, 14]], seconds: 8 });
    expect(vacantSpans(story, 31)).toEqual({ spans: [[14, 20]], seconds: 6 });
  });

  it('one holder left for good only once it has been the only one for the stable time', () => {
    expect(soleHolder(story, 10)).toEqual({ host: 'h1', since: 20 });
    expect(soleHolder(story, 11)).toBeUndefined();
    expect(soleHolder(story.slice(0, 4), 1)).toBeUndefined();
    expect(soleHolder([], 0)).toBeUndefined();
  });

  it('counts towards the stable time only what came after the link was whole (a holder alone during the loss proves nothing)', () => {
    expect(soleHolder(story, 5, 24)).toEqual({ host: 'h1', since: 24 });
    expect(soleHolder(story, 7, 24)).toBeUndefined();
  });
});

describe('the balancer each request went through', () => {
  const sample = (at: number, ok: boolean): Sample => ({ at, took: 0.01, ok });
  const readings: VipReading[] = [
    { at: 0, holders: ['h1'], clientMac: 'aa' },
    { at: 5, holders: ['h1', 'h2'] },
    { at: 6, holders: ['h1', 'h2'], clientMac: 'bb' },
  ];
  const macs = new Map([
    ['aa', 'h1'],
    ['bb', 'h2'],
  ]);

  it("is the one the client's ARP entry named at the last reading before it, none where that reading had no entry", () => {
    const through = throughBalancers([sample(1, true), sample(5.5, true), sample(7, false)], readings, macs);
    expect(through.map((s) => s.via)).toEqual(['h1', undefined, 'h2']);
    expect(perBalancer(through, english)).toBe(
      'through h1: 1 answered; through no ARP entry: 1 answered; through h2: 0 answered, 1 failed',
    );
    expect(perBalancer(through, speaker('es'))).toBe(
      'a través de h1: 1 respondida; sin entrada ARP: 1 respondida; a través de h2: 0 respondidas, 1 fallida',
    );
  });

  it('is none before the client had an entry, or for a MAC no balancer has', () => {
    expect(
      throughBalancers([sample(0.5, true)], [{ at: 1, holders: [], clientMac: 'aa' }], macs)[0]!.via,
    ).toBeUndefined();
    expect(
      throughBalancers([sample(2, true)], [{ at: 1, holders: [], clientMac: 'cc' }], macs)[0]!.via,
    ).toBeUndefined();
    expect(perBalancer([], english)).toBe('no requests');
    expect(perBalancer([], speaker('es'))).toBe('ninguna petición');
  });

  it('counts in Spanish with the number agreeing', () => {
    const many = [sample(1, true), sample(2, true), sample(3, false), sample(4, false)].map((s) => ({
      ...s,
      via: 'h1',
    }));
    expect(perBalancer(many, speaker('es'))).toBe('a través de h1: 2 respondidas, 2 fallidas');
    expect(perBalancer(many, english)).toBe('through h1: 2 answered, 2 failed');
  });
});

describe('the lanes of who held the VIP', () => {
  it("are labelled in the run's language", () => {
    const lanes = (lang: 'en' | 'es') => holderLanes(story, ['h1', 'h2'], 31, speaker(lang));
    expect(lanes('en').map((l) => l.label)).toEqual(['h1 holds the VIP', 'h2 holds the VIP']);
    expect(lanes('es').map((l) => l.label)).toEqual(['h1 tiene la VIP', 'h2 tiene la VIP']);
    expect(lanes('es')[1]!.spans).toEqual([[6, 14]]);
  });
});
