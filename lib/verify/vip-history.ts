// Who held the VIP, moment by moment, while a check broke a link (V8, V9), and what follows from
// it: when two balancers held it at once, how often it moved, when one holder was left for good,
// and which balancer each request went through. Pure: the readings come from vip-watch.ts.
import { joinWords, type Speaker, type Words } from '../said.ts';
import type { Sample, TimelineLane } from './steady-load.ts';

export interface VipReading {
  /** seconds since the load started */
  at: number;
  /** the balancers that held the VIP then, in the definition's order */
  holders: string[];
  /** the MAC the LAN client sent the VIP's packets to then, if it had one */
  clientMac?: string;
}

/** Where each balancer held the VIP, as [from, to) spans; `end` closes a span still open. */
export function holderSpans(readings: VipReading[], host: string, end: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let from: number | undefined;
  for (const r of readings) {
    const holds = r.holders.includes(host);
    if (holds && from === undefined) from = r.at;
    if (!holds && from !== undefined) {
      spans.push([from, r.at]);
      from = undefined;
    }
  }
  if (from !== undefined) spans.push([from, Math.max(from, end)]);
  return spans;
}

/** One timeline lane per balancer: where it held the VIP. */
export function holderLanes(readings: VipReading[], hosts: string[], end: number, say: Speaker): TimelineLane[] {
  return hosts.map((host) => ({
    label: say(`${host} holds the VIP`, `${host} tiene la VIP`),
    spans: holderSpans(readings, host, end),
  }));
}

/** The moments a balancer took the VIP (it holds it and did not in the reading before), from the second reading on. */
export function takeovers(readings: VipReading[]): Array<{ at: number; host: string }> {
  return readings
    .slice(1)
    .flatMap((r, i) => r.holders.filter((h) => !readings[i]!.holders.includes(h)).map((host) => ({ at: r.at, host })));
}

/** The spans where the readings were as `when` says, and how long they lasted in all. */
function spansWhere(
  readings: VipReading[],
  when: (r: VipReading) => boolean,
  end: number,
): { spans: Array<[number, number]>; seconds: number } {
  const spans = holderSpans(
    readings.map((r) => ({ at: r.at, holders: when(r) ? ['it'] : [] })),
    'it',
    end,
  );
  return { spans, seconds: spans.reduce((sum, [from, to]) => sum + (to - from), 0) };
}

/** The spans of two holders or more (split brain). */
export function splitSpans(readings: VipReading[], end: number): { spans: Array<[number, number]>; seconds: number } {
  return spansWhere(readings, (r) => r.holders.length >= 2, end);
}

/** The spans with no holder at all (the farm without its VIP). */
export function vacantSpans(readings: VipReading[], end: number): { spans: Array<[number, number]>; seconds: number } {
  return spansWhere(readings, (r) => r.holders.length === 0, end);
}

/**
 * The one holder left for good: the balancer that has been the only holder in every reading of
 * the last `stableSeconds` after `after` (a link made whole: what came before does not count
 * towards it), and since when (`after` at the earliest), undefined while that is not so yet.
 */
export function soleHolder(
  readings: VipReading[],
  stableSeconds: number,
  after = -Infinity,
): { host: string; since: number } | undefined {
  const last = readings[readings.length - 1];
  if (!last || last.holders.length !== 1) return undefined;
  const host = last.holders[0]!;
  let since = last.at;
  for (let i = readings.length - 1; i >= 0; i--) {
    const r = readings[i]!;
    if (r.holders.length !== 1 || r.holders[0] !== host) break;
    since = r.at;
  }
  const from = Math.max(since, after);
  return last.at - from >= stableSeconds ? { host, since: from } : undefined;
}

/** Each request with the balancer the client's packets for the VIP went to when it was sent (its last reading before). */
export function throughBalancers(
  samples: Sample[],
  readings: VipReading[],
  balancerOfMac: Map<string, string>,
): Sample[] {
  let i = 0;
  let mac: string | undefined;
  return samples.map((s) => {
    // A reading without an entry (the client forgot it, V8) counts as none until the next.
    while (i < readings.length && readings[i]!.at <= s.at) mac = readings[i++]!.clientMac;
    const via = mac === undefined ? undefined : balancerOfMac.get(mac);
    return via ? { ...s, via } : { ...s };
  });
}

/**
 * "through haproxy1: 8 answered; through haproxy2: 12 answered, 3 failed" ("a través de haproxy1:
 * 8 respondidas; …"): the requests per balancer they went through.
 */
export function perBalancer(samples: Sample[], say: Speaker): Words {
  // undefined: the client had no ARP entry for the VIP then
  const by = new Map<string | undefined, { ok: number; failed: number }>();
  for (const s of samples) {
    const counts = by.get(s.via) ?? { ok: 0, failed: 0 };
    if (s.ok) counts.ok++;
    else counts.failed++;
    by.set(s.via, counts);
  }
  if (by.size === 0) return say('no requests', 'ninguna petición');
  return joinWords(
    [...by].map(([via, c]) => {
      const failedEn = c.failed > 0 ? `, ${c.failed} failed` : '';
      const failedEs = c.failed > 0 ? `, ${c.failed} ${c.failed === 1 ? 'fallida' : 'fallidas'}` : '';
      return via === undefined
        ? say(
            `through no ARP entry: ${c.ok} answered${failedEn}`,
            `sin entrada ARP: ${c.ok} ${c.ok === 1 ? 'respondida' : 'respondidas'}${failedEs}`,
          )
        : say(
            `through ${via}: ${c.ok} answered${failedEn}`,
            `a través de ${via}: ${c.ok} ${c.ok === 1 ? 'respondida' : 'respondidas'}${failedEs}`,
          );
    }),
    '; ',
  );
}
