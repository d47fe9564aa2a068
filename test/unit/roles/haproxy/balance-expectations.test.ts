// lib/verify/balance-expectations.ts: what each balance algorithm promises for requests sent one at
// a time, idle or with one server kept busy, and that each algorithm's answers fail the others'.
import { describe, expect, it } from 'vitest';
import { expectedAnswers, judgeAnswers, rotationOf } from '../../../../roles/haproxy/balance-expectations.ts';
import { english, speaker } from '../../../../lib/said.ts';

const web = ['web1', 'web2', 'web3'];
const seq = (text: string) => text.split(' ');

describe('round robin', () => {
  it('is every web server once per round, in the same order each round, whichever order HAProxy chose', () => {
    expect(rotationOf(seq('web1 web2 web3 web1 web2 web3'), web)).toEqual(web);
    expect(rotationOf(seq('web2 web1 web3 web2 web1 web3 web2'), web)).toEqual(['web2', 'web1', 'web3']);
    expect(rotationOf(seq('web1 web2 web1 web2 web1 web2'), web)).toBeUndefined();
    expect(rotationOf(seq('web1 web2 web3 web1 web3 web2'), web)).toBeUndefined();
    expect(rotationOf(seq('web1 web2 web9 web1 web2 web9'), web)).toBeUndefined();
    expect(rotationOf(['web1', 'web2'], web)).toBeUndefined();
    expect(rotationOf(seq('web1 web2 web3 no-answer web2 web3'), web)).toBeUndefined();
  });
});

describe('what each algorithm promises', () => {
  it('idle: roundrobin and leastconn rotate over every server, source keeps one client on one server', () => {
    expect(expectedAnswers('roundrobin', web)).toEqual({ kind: 'rotation', servers: web });
    expect(expectedAnswers('leastconn', web)).toEqual({ kind: 'rotation', servers: web });
    expect(expectedAnswers('source', web)).toEqual({ kind: 'one', servers: web });
  });

  it('with web2 busy: roundrobin still gives it its turn, leastconn never, source stays on it', () => {
    expect(expectedAnswers('roundrobin', web, 'web2')).toEqual({ kind: 'rotation', servers: web });
    expect(expectedAnswers('leastconn', web, 'web2')).toEqual({ kind: 'rotation', servers: ['web1', 'web3'] });
    expect(expectedAnswers('source', web, 'web2')).toEqual({ kind: 'one', servers: ['web2'] });
  });
});

describe('judging the answers', () => {
  // What the real HAProxy 2.6 answered (test/integration/balancing-check.test.ts) with web2 busy.
  const busyAnswers = {
    roundrobin: seq('web1 web2 web3 web1 web2 web3'),
    leastconn: seq('web1 web3 web1 web3 web1 web3'),
    source: seq('web2 web2 web2 web2 web2 web2'),
  } as const;

  it("passes each algorithm on its own answers and fails it on the others'", () => {
    for (const [algorithm, answers] of Object.entries(busyAnswers)) {
      for (const configured of ['roundrobin', 'leastconn', 'source'] as const) {
        const verdict = judgeAnswers(expectedAnswers(configured, web, 'web2'), answers, english);
        expect(verdict.ok, `${configured} judging ${algorithm}'s answers`).toBe(configured === algorithm);
      }
    }
  });

  it('says the servers in the order they answered, or what was expected', () => {
    expect(judgeAnswers(expectedAnswers('leastconn', web, 'web2'), seq('web3 web1 web3 web1'), english)).toEqual({
      ok: true,
      servers: ['web3', 'web1'],
    });
    expect(judgeAnswers(expectedAnswers('roundrobin', web), seq('web1 web2 web1 web2 web1 web2'), english)).toEqual({
      ok: false,
      expected: 'expected web1, web2, web3 each once in every 3 requests, in the same order',
    });
    expect(judgeAnswers(expectedAnswers('source', web), seq('web3 web3 web3'), english)).toEqual({
      ok: true,
      servers: ['web3'],
    });
    expect(judgeAnswers(expectedAnswers('source', web), seq('web3 web1 web3'), english)).toEqual({
      ok: false,
      expected: 'expected every request on one server of web1, web2, web3',
    });
    expect(judgeAnswers(expectedAnswers('source', web, 'web2'), seq('web3 web3'), english)).toEqual({
      ok: false,
      expected: 'expected every request on web2',
    });
    // A failed request is no server.
    expect(judgeAnswers(expectedAnswers('source', web), seq('no-answer no-answer'), english).ok).toBe(false);
    expect(judgeAnswers(expectedAnswers('source', web), [], english).ok).toBe(false);
  });
});

describe('what was expected, in Spanish', () => {
  const es = speaker('es');

  it('says the rotation, the one server, or one server of them', () => {
    expect(judgeAnswers(expectedAnswers('roundrobin', web), seq('web1 web2 web1 web2 web1 web2'), es)).toEqual({
      ok: false,
      expected: 'se esperaba web1, web2, web3, una vez cada uno en cada 3 peticiones, en el mismo orden',
    });
    expect(judgeAnswers(expectedAnswers('source', web), seq('web3 web1 web3'), es)).toEqual({
      ok: false,
      expected: 'se esperaban todas las peticiones en un mismo servidor de entre web1, web2, web3',
    });
    expect(judgeAnswers(expectedAnswers('source', web, 'web2'), seq('web3 web3'), es)).toEqual({
      ok: false,
      expected: 'se esperaban todas las peticiones en web2',
    });
  });

  it('agrees in number when one server is left to rotate over', () => {
    const two = ['web1', 'web2'];
    expect(judgeAnswers(expectedAnswers('leastconn', two, 'web2'), seq('web2 web2'), es)).toEqual({
      ok: false,
      expected: 'se esperaba web1 en cada petición',
    });
    expect(judgeAnswers(expectedAnswers('leastconn', two, 'web2'), seq('web2 web2'), english)).toEqual({
      ok: false,
      expected: 'expected web1 each once in every 1 requests, in the same order',
    });
  });
});
