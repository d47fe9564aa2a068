// V1: reloading http://trabajoswap.com is answered by the web servers as the definition's
// `haproxy.balance` promises (the tutorial's round robin: web1, web2, web3, web1…), and a client
// that sends back the persistence cookie of a server stays on it, the way the definition's
// `haproxy.cookie.mode` keeps it. Which server answered is told by the page it served.
import { haStackOf } from '../../../roles/components.ts';
import { masterBalancer, webServers, type Lab } from '../../lab/model.ts';
import { type BalanceAlgorithm } from '../../../roles/haproxy/haproxy-settings.ts';
import { backendServers } from '../../../roles/haproxy/haproxy-role.ts';
import { sessionCookieValue } from '../../../roles/nginx/web-answer.ts';
import {
  expectedAnswers,
  judgeAnswers,
  type Expectation,
  type Verdict,
} from '../../../roles/haproxy/balance-expectations.ts';
import type { Check, VerifyContext } from '../check.ts';
import {
  cookieProblem,
  cookieValueFor,
  cookieValues,
  type CookieServer,
} from '../../../roles/haproxy/cookie-persistence.ts';
import { upDeadlineMs } from '../../../roles/haproxy/health-check-windows.ts';
import type { HttpAnswer } from '../transport/lan-client.ts';
import { describeAnswer, pageServer, type PageServer } from '../../../roles/nginx/page-server.ts';
import { waitUntil } from '../steady-load.ts';
import { waitSettled } from '../vip.ts';
import { serversNotUp, webServerStats } from '../../../roles/haproxy/haproxy-stats.ts';

type Farm = Pick<VerifyContext, 'lab' | 'client' | 'statsPassword' | 'adopted'>;

/** One proof of V1: what it showed, or why it failed. */
interface Proof {
  summary: string;
  evidence: string[];
  problem?: string;
}

const TITLES: Record<BalanceAlgorithm, string> = {
  roundrobin: 'round robin',
  leastconn: 'least connections',
  source: 'source hash',
};

/** The longest a held request stays open if nothing releases it; V1 releases it once its requests are answered. */
const HOLD_SECONDS = 60;

/** The web servers as their cookies know them: label from the server lines, value from nginx. */
export function cookieServers(lab: Lab): CookieServer[] {
  return backendServers(lab).map((s) => ({ name: s.name, label: s.cookie, session: sessionCookieValue(s.name) }));
}

/** Requests one at a time, each answered (or given up) before the next goes out. */
async function sequential(farm: Farm, count: number, cookie?: string): Promise<Array<HttpAnswer | undefined>> {
  const answers: Array<HttpAnswer | undefined> = [];
  for (let i = 0; i < count; i++) answers.push(await farm.client.get(cookie ? { cookie } : {}));
  return answers;
}

function inOrder(expectation: Expectation, verdict: Verdict & { ok: true }): string {
  return expectation.kind === 'rotation' ? `${verdict.servers.join(', ')} in turn` : `${verdict.servers[0]} only`;
}

/** Requests with no connection open: the order or spread the algorithm gives. */
async function idleProof(farm: Farm, serverOf: PageServer, notUp: string[]): Promise<Proof & { next?: string }> {
  const { lab } = farm;
  const web = webServers(lab).map((h) => h.name);
  const answers = (await sequential(farm, web.length * 3)).map((a) => describeAnswer(serverOf, a));
  const expectation = expectedAnswers(lab.haproxy.balance, web);
  const verdict = judgeAnswers(expectation, answers);
  const evidence = [`answers: ${answers.join(' ')}`];
  if (!verdict.ok) {
    const stats = notUp.length > 0 ? ` (HAProxy's stats: ${notUp.join(', ')})` : '';
    const what = expectation.kind === 'rotation' ? 'not in turn' : 'not on one server';
    return { summary: '', evidence, problem: `${what}: ${answers.join(' ')} (${verdict.expected})${stats}` };
  }
  // The server the pattern gives next: the one V1 then keeps busy.
  return {
    summary: `${answers.length} requests answered by ${inOrder(expectation, verdict)}`,
    evidence,
    next: verdict.servers[0]!,
  };
}

/** Requests while `busy` has a connection held open: leastconn avoids it, roundrobin and source do not. */
async function busyProof(farm: Farm, serverOf: PageServer, busy: string): Promise<Proof> {
  const { lab } = farm;
  const web = webServers(lab).map((h) => h.name);
  const { name, mode } = lab.haproxy.cookie;
  const target = cookieServers(lab).find((s) => s.name === busy)!;
  const held = await farm.client.hold({ cookie: `${name}=${cookieValueFor(mode, target)}`, seconds: HOLD_SECONDS });
  try {
    let sessions = '?';
    const open = await waitUntil(
      async () => Number((sessions = (await webServerStats(farm))?.get(busy)?.scur ?? '?')) >= 1,
      3000,
      100,
    );
    if (open === undefined)
      return {
        summary: '',
        evidence: [],
        problem: `a request held open to ${busy} (by its cookie) left it no connection open (HAProxy's stats: ${sessions} current sessions)`,
      };
    const answers = (await sequential(farm, web.length * 2)).map((a) => describeAnswer(serverOf, a));
    // The answers prove something only if the server was busy all along.
    const still = (await webServerStats(farm))?.get(busy)?.scur ?? '?';
    if (!(Number(still) >= 1))
      return {
        summary: '',
        evidence: [`answers: ${answers.join(' ')}`],
        problem: `the request held open to ${busy} ended before the ${answers.length} requests beside it were answered (HAProxy's stats: ${still} current sessions; HAProxy ends it after timeout client ${lab.haproxy.timeouts.client})`,
      };
    const expectation = expectedAnswers(lab.haproxy.balance, web, busy);
    const verdict = judgeAnswers(expectation, answers);
    const evidence = [`${busy} busy (${sessions} connection held open); answers: ${answers.join(' ')}`];
    const busyText = `with ${busy} busy (a request held open)`;
    if (!verdict.ok)
      return {
        summary: '',
        evidence,
        problem: `${busyText}: ${answers.join(' ')} (${verdict.expected}: balance ${lab.haproxy.balance})`,
      };
    const summary: Record<BalanceAlgorithm, string> = {
      roundrobin: `${busyText} ${answers.length} requests still went to ${inOrder(expectation, verdict)}`,
      leastconn: `${busyText} ${answers.length} requests went to ${inOrder(expectation, verdict)}, none to ${busy}`,
      source: `${busyText} ${answers.length} requests stayed on ${busy}`,
    };
    return { summary: summary[lab.haproxy.balance], evidence };
  } finally {
    await held.release();
  }
}

/** The first answer sets the cookie the mode gives; each server's cookie keeps a client on that server. */
async function cookieProof(farm: Farm, serverOf: PageServer): Promise<Proof> {
  const { lab } = farm;
  const { name, mode } = lab.haproxy.cookie;
  const servers = cookieServers(lab);
  const first = await farm.client.get();
  const firstServer = first?.status === 200 ? serverOf(first.body) : undefined;
  const evidence = [
    `first answer: ${describeAnswer(serverOf, first)}, Set-Cookie: ${first?.setCookies.join(' | ') || 'none'}`,
  ];
  if (!first || !firstServer)
    return {
      summary: '',
      evidence,
      problem: `the request without a cookie was answered by ${describeAnswer(serverOf, first)}`,
    };
  const owner = servers.find((s) => s.name === firstServer)!;
  // With prefix and rewrite HAProxy changes a cookie the application sets; a farm built by hand
  // serves static pages that set none (the tutorial's), so only the client's cookie can be proved.
  const noAppCookie = farm.adopted === true && mode !== 'insert' && cookieValues(first.setCookies, name).length === 0;
  const firstProblem = noAppCookie ? undefined : cookieProblem(mode, name, owner, first.setCookies, false);
  if (firstProblem) return { summary: '', evidence, problem: firstProblem };
  if (noAppCookie)
    evidence.push(
      `no web server sets ${name}: with cookie ${name} ${mode}, HAProxy ${mode === 'prefix' ? 'prefixes' : 'rewrites'} a cookie the application sets, so a browser is kept on one server only once the application sets one`,
    );

  const problems: string[] = [];
  let count = 0;
  for (const server of servers) {
    const cookie = `${name}=${cookieValueFor(mode, server)}`;
    const answers = await sequential(farm, 2, cookie);
    count += answers.length;
    const went = answers.map((a) => describeAnswer(serverOf, a));
    evidence.push(
      `with ${cookie}: ${went.join(' ')}; Set-Cookie: ${answers.map((a) => a?.setCookies.join(' | ') || 'none').join(', ')}`,
    );
    if (went.some((w) => w !== server.name))
      problems.push(`with ${cookie} the requests went to ${went.join(' ')} instead of staying on ${server.name}`);
    for (const answer of noAppCookie ? [] : answers) {
      const problem = answer ? cookieProblem(mode, name, server, answer.setCookies, true) : undefined;
      if (problem && !problems.includes(problem)) problems.push(problem);
    }
  }
  if (problems.length > 0) return { summary: '', evidence, problem: problems.join('; ') };
  const kept = mode === 'insert' ? ' and were given no new cookie' : '';
  const set = noAppCookie
    ? `no web server sets ${name} (the application's own cookie)`
    : `${firstServer}'s first answer set ${name}=${cookieValueFor(mode, owner)}`;
  return {
    summary: `cookie ${name} ${mode}: ${set}, and with each server's cookie all ${count} requests stayed on that server${kept}`,
    evidence,
  };
}

/**
 * V1's proofs in order, each only after the one before passed: a farm that does not rotate says
 * nothing about a busy server, nor about cookies. `notUp`: HAProxy's stats of servers not UP,
 * quoted when the answers are not what the algorithm gives.
 */
export async function proveBalancing(
  farm: Farm,
  notUp: string[] = [],
): Promise<{ passed: boolean; summary: string; evidence: string[] }> {
  const serverOf = pageServer(farm.lab, farm.adopted);
  const idle = await idleProof(farm, serverOf, notUp);
  const proofs: Proof[] = [idle];
  if (!idle.problem) proofs.push(await busyProof(farm, serverOf, idle.next!));
  if (!proofs.some((p) => p.problem)) proofs.push(await cookieProof(farm, serverOf));
  const failed = proofs.find((p) => p.problem);
  return {
    passed: failed === undefined,
    summary: failed ? failed.problem! : proofs.map((p) => p.summary).join('; '),
    evidence: proofs.flatMap((p) => p.evidence),
  };
}

export const balancingCheck: Check = {
  id: 'V1',
  title: 'round robin',
  uses: ['requests'],
  titleFor: (lab) => TITLES[lab.haproxy.balance],
  async run(ctx) {
    const { lab } = ctx;
    // Each balancer counts its own turn: the VIP must not move while the requests go out. The
    // run waited for the farm to settle before the first check; this only confirms it.
    const holder = await waitSettled(ctx, 5_000);
    if (holder === undefined)
      return {
        passed: false,
        summary: `the farm has not settled: ${lab.vip.name} (${lab.vip.address}) does not answer from ${haStackOf(lab).failsBack(lab) ? masterBalancer(lab).name : 'a balancer'}`,
        evidence: [],
      };
    // A web server that just started again (provision repaired it) is UP after HAProxy's rise checks.
    let notUp: string[] = [];
    await waitUntil(async () => (notUp = await serversNotUp(ctx)).length === 0, upDeadlineMs(lab.haproxy.check), 500);
    const proved = await proveBalancing(ctx, notUp);
    return { ...proved, evidence: [`${holder} holds the VIP`, ...proved.evidence] };
  },
};
