// What the balance algorithm promises for requests sent one at a time, each answered before the
// next goes out (V1), as pure functions of the answers. From HAProxy 2.6's manual ("balance")
// and its source, checked against the real HAProxy 2.6 (test/integration/balancing-check.test.ts):
//  - roundrobin: each server in turn: every server once per round, in the same order each round;
//    a busy server (a connection held open to it) still gets its turn.
//  - leastconn: the server with the fewest connections; "round-robin is performed within groups of
//    servers of the same load". With no connection open every server has load 0, and a server that
//    served a request goes back last in that group (lb_fwlc.c re-queues it; ebtree keeps equal keys
//    in insertion order): the same rotation as roundrobin. With one connection held open to a
//    server, the others in turn and never it.
//  - source: the client's address is hashed onto one server: every request of one client lands
//    on the same server, busy or not. Which server depends on the hash; no spread over the
//    servers can be seen from one client.
import type { BalanceAlgorithm } from './haproxy-settings.ts';
import type { Speaker, Words } from '../../lib/said.ts';

/**
 * The rotation the answers follow: every one of `servers` in the first round, then the same order
 * again and again; undefined when they do not. The order is HAProxy's own: web1, web2, web3 on a
 * fresh HAProxy, but a server that comes back UP rejoins the rotation elsewhere.
 */
export function rotationOf(answers: string[], servers: string[]): string[] | undefined {
  const round = answers.slice(0, servers.length);
  if (new Set(round).size !== servers.length || !round.every((a) => servers.includes(a))) return undefined;
  return answers.every((a, i) => a === round[i % round.length]) ? round : undefined;
}

/** Who may answer: each of `servers` once per round in a steady order, or all on one of them. */
export type Expectation = { kind: 'rotation'; servers: string[] } | { kind: 'one'; servers: string[] };

/** What `balance` promises for sequential requests; `busy`: a server with a connection held open. */
export function expectedAnswers(balance: BalanceAlgorithm, web: string[], busy?: string): Expectation {
  switch (balance) {
    case 'roundrobin':
      return { kind: 'rotation', servers: web };
    case 'leastconn':
      return { kind: 'rotation', servers: busy === undefined ? web : web.filter((w) => w !== busy) };
    case 'source':
      // Busy or not, the hash gives the same server: V1 holds the connection on the one it saw.
      return { kind: 'one', servers: busy === undefined ? web : [busy] };
  }
}

export type Verdict = { ok: true; servers: string[] } | { ok: false; expected: Words };

/** Whether the answers keep the promise; the servers in the order they answered, or what was expected. */
export function judgeAnswers(expectation: Expectation, answers: string[], say: Speaker): Verdict {
  const { servers } = expectation;
  const list = servers.join(', ');
  if (expectation.kind === 'rotation') {
    const round = rotationOf(answers, servers);
    return round
      ? { ok: true, servers: round }
      : {
          ok: false,
          expected: say(
            `expected ${list} each once in every ${servers.length} requests, in the same order`,
            servers.length === 1
              ? `se esperaba ${list} en cada petición`
              : `se esperaba ${list}, una vez cada uno en cada ${servers.length} peticiones, en el mismo orden`,
          ),
        };
  }
  const first = answers[0];
  if (first !== undefined && servers.includes(first) && answers.every((a) => a === first))
    return { ok: true, servers: [first] };
  return {
    ok: false,
    expected:
      servers.length === 1
        ? say(`expected every request on ${servers[0]}`, `se esperaban todas las peticiones en ${servers[0]}`)
        : say(
            `expected every request on one server of ${list}`,
            `se esperaban todas las peticiones en un mismo servidor de entre ${list}`,
          ),
  };
}
