// What V8 says of a split brain (or of one avoided by a second path), in English and Spanish.
import { describe, expect, it } from 'vitest';
import { failedAmong } from '../../../../lib/verify/steady-load.ts';
import { english, speaker } from '../../../../lib/said.ts';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import type { Sample } from '../../../../lib/verify/steady-load.ts';
import {
  healedWords,
  splitBrainVariant,
  splitBrainWords,
  type SplitBrainStory,
} from '../../../../lib/verify/checks/split-brain.ts';

const es = speaker('es');
const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);

const sample = (at: number, ok: boolean, via?: string): Sample => ({ at, took: 0.01, ok, ...(via ? { via } : {}) });

/** One path: haproxy2 takes the VIP 6.2 s after the cut while haproxy1 keeps it; healed 7.5 s after the link is whole. */
const split: SplitBrainStory = {
  variant: english('one heartbeat path', 'una sola vía de latidos'),
  paths: ['heartbeat'],
  twoPaths: false,
  stack: 'Heartbeat',
  master: 'haproxy1',
  broken: 'haproxy2',
  vip: '192.168.1.100',
  lanFile: 'report/split-brain-lan-arp.pcap',
  windowSeconds: 20,
  detectionSeconds: 5,
  healTimeoutSeconds: 60,
  splitAfter: 6.24,
  splitSeconds: 9.5,
  masterKept: true,
  claimants: ['haproxy1 (08:00:27:00:00:01) 3', 'haproxy2 (08:00:27:00:00:02) 4'],
  claimCount: 2,
  during: [sample(1, true, 'haproxy1'), sample(2, false, 'haproxy2'), sample(3, true, 'haproxy2')],
  healing: [sample(4, false, 'haproxy2')],
  healed: { host: 'haproxy1', after: 7.5 },
  vacantSeconds: 1.25,
};

describe("V8's variant", () => {
  it('is said in both languages, its English the same whatever the run speaks (a key for the kept runs)', () => {
    expect(splitBrainVariant(lab)).toEqual({ en: 'one heartbeat path', es: 'una sola vía de latidos' });
    const twoPaths = { ...lab, ha: { ...lab.ha, paths: ['heartbeat', 'lan'] as typeof lab.ha.paths } };
    expect(splitBrainVariant(twoPaths)).toEqual({
      en: 'heartbeat paths: heartbeat, lan',
      es: 'vías de latidos: heartbeat, lan',
    });
  });
});

describe('the requests that failed', () => {
  it('agree in number in Spanish', () => {
    expect(failedAmong([sample(1, false)], es)).toBe('1 de 1 petición falló');
    expect(failedAmong([sample(1, false), sample(2, true)], es)).toBe('1 de 2 peticiones falló');
    expect(failedAmong([sample(1, false), sample(2, false)], es)).toBe('2 de 2 peticiones fallaron');
    expect(failedAmong([sample(1, false), sample(2, false)], english)).toBe('2 of 2 requests failed');
  });
});

describe('how the farm healed', () => {
  it('one holder after a while with none, the failures until then', () => {
    expect(healedWords(split, english)).toEqual({
      healed: 'haproxy1 alone holds the VIP 7.5 s after the link was whole, after 1.3 s with no holder at all',
      healing: ', 1 of 1 requests failed until then',
    });
    expect(healedWords(split, es)).toEqual({
      healed: 'solo haproxy1 tiene la VIP 7.5 s después de restablecerse el enlace, tras 1.3 s sin ningún titular',
      healing: ', 1 de 1 petición falló hasta entonces',
    });
  });

  it('the same holder all along, or none within the time', () => {
    const kept = { ...split, healed: { host: 'haproxy1', after: 0 }, healing: [] };
    expect(healedWords(kept, english)).toEqual({
      healed: 'haproxy1 still the only holder once the link was whole',
      healing: '',
    });
    expect(healedWords(kept, es).healed).toBe('haproxy1 seguía siendo el único titular una vez restablecido el enlace');
    const never = { ...split };
    delete never.healed;
    expect(healedWords(never, english).healed).toBe('no single holder within 60 s of the link being whole');
    expect(healedWords(never, es).healed).toBe('ningún titular único en los 60 s tras restablecerse el enlace');
  });
});

describe('V8 with one path: the split brain shown', () => {
  it('passes with its one line, in English as before', () => {
    const said = splitBrainWords(split, english);
    expect(said.problems).toEqual([]);
    expect(said.summary).toBe(
      'split brain: haproxy2 took the VIP 6.2 s after its heartbeat link went silent while haproxy1 kept it, ARP from both; 1 of 3 requests failed meanwhile; haproxy1 alone holds the VIP 7.5 s after the link was whole, after 1.3 s with no holder at all, 1 of 1 requests failed until then',
    );
    expect(said.evidence).toEqual([
      "one heartbeat path: Heartbeat speaks on the heartbeat network only; haproxy2's heartbeat link: every packet dropped each way, its carrier kept",
      'two holders 6.2 s after the link went silent, for 9.5 s in all',
      'ARP from 192.168.1.100 on the LAN while the link was silent: haproxy1 (08:00:27:00:00:01) 3, haproxy2 (08:00:27:00:00:02) 4 (pcap: report/split-brain-lan-arp.pcap)',
      'requests while the link was silent: 3, through haproxy1: 1 answered; through haproxy2: 1 answered, 1 failed',
      'haproxy1 alone holds the VIP 7.5 s after the link was whole, after 1.3 s with no holder at all, 1 of 1 requests failed until then',
    ]);
  });

  it('and in Spanish', () => {
    const said = splitBrainWords({ ...split, variant: es('one heartbeat path', 'una sola vía de latidos') }, es);
    expect(said.summary).toBe(
      'split brain: haproxy2 tomó la VIP 6.2 s después de silenciarse su enlace de latidos mientras haproxy1 la conservaba, ARP de ambos; 1 de 3 peticiones falló mientras tanto; solo haproxy1 tiene la VIP 7.5 s después de restablecerse el enlace, tras 1.3 s sin ningún titular, 1 de 1 petición falló hasta entonces',
    );
    expect(said.evidence).toEqual([
      'una sola vía de latidos: Heartbeat habla solo por la red de latidos; enlace de latidos de haproxy2: todos sus paquetes descartados en ambos sentidos, su portadora mantenida',
      'dos titulares 6.2 s después de silenciarse el enlace, durante 9.5 s en total',
      'ARP de 192.168.1.100 en la LAN mientras el enlace estaba silenciado: haproxy1 (08:00:27:00:00:01) 3, haproxy2 (08:00:27:00:00:02) 4 (pcap: report/split-brain-lan-arp.pcap)',
      'peticiones mientras el enlace estaba silenciado: 3, a través de haproxy1: 1 respondida; a través de haproxy2: 1 respondida, 1 fallida',
      'solo haproxy1 tiene la VIP 7.5 s después de restablecerse el enlace, tras 1.3 s sin ningún titular, 1 de 1 petición falló hasta entonces',
    ]);
  });

  it('fails when the backup never took the VIP, or ARP named one MAC only', () => {
    const never = { ...split };
    delete never.splitAfter;
    expect(splitBrainWords(never, english).problems).toEqual([
      'haproxy2 never took the VIP within 20 s of its heartbeat link going silent (Heartbeat detects a silent peer in 5.0 s)',
    ]);
    expect(splitBrainWords(never, es).problems).toEqual([
      'haproxy2 no tomó la VIP en los 20 s tras silenciarse su enlace de latidos (Heartbeat detecta un par en silencio en 5.0 s)',
    ]);
    expect(splitBrainWords(never, es).evidence[1]).toBe(
      'nunca dos titulares en los 20 s tras silenciarse el enlace: haproxy1 tuvo la VIP todo el tiempo',
    );
    const oneMac = { ...split, claimants: ['haproxy1 (08:00:27:00:00:01) 3'], claimCount: 1 };
    expect(splitBrainWords(oneMac, english).summary).toBe(
      'two balancers held the VIP, but ARP on the LAN named one MAC for it (haproxy1 (08:00:27:00:00:01) 3)',
    );
    expect(splitBrainWords(oneMac, es).summary).toBe(
      'dos balanceadores tuvieron la VIP, pero el ARP en la LAN le asoció una sola MAC (haproxy1 (08:00:27:00:00:01) 3)',
    );
    expect(splitBrainWords({ ...split, claimants: [], claimCount: 0 }, english).summary).toBe(
      'two balancers held the VIP, but ARP on the LAN named no MAC for it (none)',
    );
    expect(splitBrainWords({ ...split, claimants: [], claimCount: 0 }, es).summary).toBe(
      'dos balanceadores tuvieron la VIP, pero el ARP en la LAN no le asoció ninguna MAC (ninguno)',
    );
  });

  it('fails when no single holder was left, saying so as its summary', () => {
    const never = { ...split };
    delete never.healed;
    expect(splitBrainWords(never, es).summary).toBe('ningún titular único en los 60 s tras restablecerse el enlace');
  });
});

describe('V8 with a second path: the split brain avoided', () => {
  const avoided: SplitBrainStory = {
    ...split,
    variant: english('heartbeat paths: heartbeat, lan', ''),
    paths: ['heartbeat', 'lan'],
    twoPaths: true,
    splitSeconds: 0,
    claimants: ['haproxy1 (08:00:27:00:00:01) 2'],
    claimCount: 1,
    during: [sample(1, true, 'haproxy1')],
    healing: [],
    healed: { host: 'haproxy1', after: 0 },
    vacantSeconds: 0,
  };
  delete avoided.splitAfter;

  it('passes with one holder throughout', () => {
    expect(splitBrainWords(avoided, english).summary).toBe(
      "one holder throughout: haproxy1 kept the VIP for the 20 s haproxy2's heartbeat link was silent (through haproxy1: 1 answered); haproxy1 still the only holder once the link was whole",
    );
    expect(splitBrainWords(avoided, es).summary).toBe(
      'un solo titular todo el tiempo: haproxy1 conservó la VIP durante los 20 s que el enlace de latidos de haproxy2 estuvo silenciado (a través de haproxy1: 1 respondida); haproxy1 seguía siendo el único titular una vez restablecido el enlace',
    );
    expect(splitBrainWords(avoided, es).evidence[0]).toBe(
      'heartbeat paths: heartbeat, lan: Heartbeat habla por heartbeat y lan; enlace de latidos de haproxy2: todos sus paquetes descartados en ambos sentidos, su portadora mantenida',
    );
  });

  it('fails when two held the VIP all the same, or the master lost it', () => {
    expect(splitBrainWords({ ...avoided, splitAfter: 5.04 }, english).problems).toEqual([
      "two balancers held the VIP 5.0 s after haproxy2's heartbeat link went silent, though heartbeat and lan both carry Heartbeat",
    ]);
    expect(splitBrainWords({ ...avoided, splitAfter: 5.04 }, es).problems).toEqual([
      'dos balanceadores tuvieron la VIP 5.0 s después de silenciarse el enlace de latidos de haproxy2, aunque heartbeat y lan llevan ambas Heartbeat',
    ]);
    expect(splitBrainWords({ ...avoided, masterKept: false }, es).problems).toEqual([
      'haproxy1 perdió la VIP mientras el enlace de latidos de haproxy2 estaba silenciado',
    ]);
  });
});
