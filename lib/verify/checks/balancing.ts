// V1: reloading http://trabajoswap.com is answered by the web servers as the definition's
// `haproxy.balance` promises (the tutorial's round robin: web1, web2, web3, web1…), and a client
// that sends back the persistence cookie of a server stays on it, the way the definition's
// `haproxy.cookie.mode` keeps it. Which server answered is told by the page it served.
import { haStackOf } from '../../../roles/components.ts';
import { masterBalancer, webServers, type Lab } from '../../lab/model.ts';
import { type BalanceAlgorithm, type CookieMode } from '../../../roles/haproxy/haproxy-settings.ts';
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
import { asIs, joinWords, type Said, type Speaker, type Words } from '../../said.ts';

type Farm = Pick<VerifyContext, 'lab' | 'client' | 'statsPassword' | 'adopted' | 'say'>;

/** One proof of V1: what it showed, or why it failed. */
interface Proof {
  summary: Words;
  evidence: Words[];
  problem?: Words;
}

const TITLES: Record<BalanceAlgorithm, Said> = {
  roundrobin: { en: 'round robin', es: 'round robin' },
  leastconn: { en: 'least connections', es: 'menos conexiones' },
  source: { en: 'source hash', es: 'hash del origen' },
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

/** "3 peticiones", "1 petición": Spanish agrees in number (English keeps its words as they were). */
function peticiones(count: number): string {
  return `${count} ${count === 1 ? 'petición' : 'peticiones'}`;
}

/** Who answered as the pattern gives: "web1, web2, web3 in turn", "web3 only". */
export function inOrder(expectation: Expectation, verdict: Verdict & { ok: true }, say: Speaker): Words {
  const servers = verdict.servers.join(', ');
  return expectation.kind === 'rotation'
    ? say(`${servers} in turn`, `${servers}, por turnos`)
    : say(`${verdict.servers[0]} only`, `${verdict.servers[0]} únicamente`);
}

/** The answers in the evidence: "answers: web1 web2 web3". */
export function answersEvidence(answers: Words[], say: Speaker): Words {
  const went = answers.join(' ');
  return say(`answers: ${went}`, `respuestas: ${went}`);
}

/** What HAProxy's stats say, quoted beside a failure: " (HAProxy's stats: web3 is DOWN)"; nothing when all are UP. */
function statsAside(notUp: Words[], say: Speaker): Words | '' {
  if (notUp.length === 0) return '';
  const stats = notUp.join(', ');
  return say(` (HAProxy's stats: ${stats})`, ` (estadísticas de HAProxy: ${stats})`);
}

/** Requests with no connection open that do not follow the pattern: "not in turn: web1 web1 … (expected …)". */
export function idleProblem(
  expectation: Expectation,
  answers: Words[],
  expected: Words,
  notUp: Words[],
  say: Speaker,
): Words {
  const went = answers.join(' ');
  const stats = statsAside(notUp, say);
  return expectation.kind === 'rotation'
    ? say(`not in turn: ${went} (${expected})${stats}`, `no por turnos: ${went} (${expected})${stats}`)
    : say(`not on one server: ${went} (${expected})${stats}`, `no en un mismo servidor: ${went} (${expected})${stats}`);
}

/** "9 requests answered by web1, web2, web3 in turn". */
export function idleSummary(count: number, order: Words, say: Speaker): Words {
  return say(`${count} requests answered by ${order}`, `${peticiones(count)} respondidas por ${order}`);
}

/** "with web2 busy (a request held open)": what the busy proof's sentences begin with. */
function busyWith(busy: string, say: Speaker): Words {
  return say(`with ${busy} busy (a request held open)`, `con ${busy} ocupado (una petición mantenida abierta)`);
}

/** What the requests beside a busy server did, as the algorithm promises it. */
export function busySummary(balance: BalanceAlgorithm, busy: string, count: number, order: Words, say: Speaker): Words {
  const busyText = busyWith(busy, say);
  const requests = peticiones(count);
  switch (balance) {
    case 'roundrobin':
      return say(
        `${busyText} ${count} requests still went to ${order}`,
        `${busyText}, ${requests} siguieron yendo a ${order}`,
      );
    case 'leastconn':
      return say(
        `${busyText} ${count} requests went to ${order}, none to ${busy}`,
        `${busyText}, ${requests} fueron a ${order}, ninguna a ${busy}`,
      );
    case 'source':
      return say(`${busyText} ${count} requests stayed on ${busy}`, `${busyText}, ${requests} se quedaron en ${busy}`);
  }
}

/** The requests beside a busy server did not go where the algorithm sends them. */
export function busyProblem(
  balance: BalanceAlgorithm,
  busy: string,
  answers: Words[],
  expected: Words,
  say: Speaker,
): Words {
  const busyText = busyWith(busy, say);
  const went = answers.join(' ');
  return say(
    `${busyText}: ${went} (${expected}: balance ${balance})`,
    `${busyText}: ${went} (${expected}: balance ${balance})`,
  );
}

/** "3 current sessions": English as it was; Spanish agrees in number. */
function sesiones(sessions: string): string {
  return `${sessions} ${sessions === '1' ? 'sesión actual' : 'sesiones actuales'}`;
}

/** The held request opened no connection to `busy`, as HAProxy's stats show. */
export function notHeldProblem(busy: string, sessions: string, say: Speaker): Words {
  return say(
    `a request held open to ${busy} (by its cookie) left it no connection open (HAProxy's stats: ${sessions} current sessions)`,
    `una petición mantenida abierta hacia ${busy} (por su cookie) no le dejó ninguna conexión abierta (estadísticas de HAProxy: ${sesiones(sessions)})`,
  );
}

/** The held request ended before the requests beside it were answered: they prove nothing of a busy server. */
export function heldEndedProblem(
  busy: string,
  count: number,
  still: string,
  timeoutClient: string,
  say: Speaker,
): Words {
  return say(
    `the request held open to ${busy} ended before the ${count} requests beside it were answered (HAProxy's stats: ${still} current sessions; HAProxy ends it after timeout client ${timeoutClient})`,
    `la petición mantenida abierta hacia ${busy} terminó antes de que se respondieran las ${peticiones(count)} enviadas junto a ella (estadísticas de HAProxy: ${sesiones(still)}; HAProxy la termina tras timeout client ${timeoutClient})`,
  );
}

/** "web2 busy (1 connection held open); answers: web1 web3 …". */
export function busyEvidence(busy: string, sessions: string, answers: Words[], say: Speaker): Words {
  const went = answers.join(' ');
  const held = sessions === '1' ? 'conexión mantenida abierta' : 'conexiones mantenidas abiertas';
  return say(
    `${busy} busy (${sessions} connection held open); answers: ${went}`,
    `${busy} ocupado (${sessions} ${held}); respuestas: ${went}`,
  );
}

/** The Set-Cookie headers of an answer, or "none". */
function setCookiesOf(answer: HttpAnswer | undefined, say: Speaker): Words {
  const headers = answer?.setCookies.join(' | ');
  return headers ? asIs(headers) : say('none', 'ninguna');
}

/** "first answer: web1, Set-Cookie: JSESSIONID=A~web1-session; Path=/". */
export function firstAnswerEvidence(described: Words, first: HttpAnswer | undefined, say: Speaker): Words {
  const headers = setCookiesOf(first, say);
  return say(
    `first answer: ${described}, Set-Cookie: ${headers}`,
    `primera respuesta: ${described}, Set-Cookie: ${headers}`,
  );
}

/** A farm built by hand whose application sets no cookie: only the client's cookie can be proved. */
export function noAppCookieEvidence(name: string, mode: CookieMode, say: Speaker): Words {
  return mode === 'prefix'
    ? say(
        `no web server sets ${name}: with cookie ${name} ${mode}, HAProxy prefixes a cookie the application sets, so a browser is kept on one server only once the application sets one`,
        `ningún servidor web establece ${name}: con cookie ${name} ${mode}, HAProxy antepone un prefijo a una cookie que establece la aplicación, así que un navegador se mantiene en un mismo servidor solo cuando la aplicación establece una`,
      )
    : say(
        `no web server sets ${name}: with cookie ${name} ${mode}, HAProxy rewrites a cookie the application sets, so a browser is kept on one server only once the application sets one`,
        `ningún servidor web establece ${name}: con cookie ${name} ${mode}, HAProxy reescribe una cookie que establece la aplicación, así que un navegador se mantiene en un mismo servidor solo cuando la aplicación establece una`,
      );
}

/** "with JSESSIONID=A~web1-session: web1 web1; Set-Cookie: …, …". */
export function cookieEvidence(
  cookie: string,
  went: Words[],
  answers: Array<HttpAnswer | undefined>,
  say: Speaker,
): Words {
  const servers = went.join(' ');
  const headers = answers.map((a) => setCookiesOf(a, say)).join(', ');
  return say(`with ${cookie}: ${servers}; Set-Cookie: ${headers}`, `con ${cookie}: ${servers}; Set-Cookie: ${headers}`);
}

/** A client holding `server`'s cookie was sent elsewhere. */
export function cookieStrayProblem(cookie: string, went: Words[], server: string, say: Speaker): Words {
  const servers = went.join(' ');
  return say(
    `with ${cookie} the requests went to ${servers} instead of staying on ${server}`,
    `con ${cookie} las peticiones fueron a ${servers} en lugar de quedarse en ${server}`,
  );
}

/** What the cookie proof showed: who set the cookie, and that each server's cookie kept its requests. */
export function cookieSummary(
  cookie: { name: string; mode: CookieMode },
  first: { server: string; value: string } | undefined,
  count: number,
  say: Speaker,
): Words {
  const { name, mode } = cookie;
  const set = first
    ? say(
        `${first.server}'s first answer set ${name}=${first.value}`,
        `la primera respuesta de ${first.server} estableció ${name}=${first.value}`,
      )
    : say(
        `no web server sets ${name} (the application's own cookie)`,
        `ningún servidor web establece ${name} (la cookie propia de la aplicación)`,
      );
  const kept = mode === 'insert' ? say(' and were given no new cookie', ' y no recibieron ninguna cookie nueva') : '';
  return say(
    `cookie ${name} ${mode}: ${set}, and with each server's cookie all ${count} requests stayed on that server${kept}`,
    `cookie ${name} ${mode}: ${set}, y con la cookie de cada servidor las ${peticiones(count)} se quedaron en ese servidor${kept}`,
  );
}

/** Requests with no connection open: the order or spread the algorithm gives. */
async function idleProof(farm: Farm, serverOf: PageServer, notUp: Words[]): Promise<Proof & { next?: string }> {
  const { lab, say } = farm;
  const web = webServers(lab).map((h) => h.name);
  const answers = (await sequential(farm, web.length * 3)).map((a) => describeAnswer(serverOf, a, say));
  const expectation = expectedAnswers(lab.haproxy.balance, web);
  const verdict = judgeAnswers(expectation, answers, say);
  const evidence = [answersEvidence(answers, say)];
  if (!verdict.ok)
    return { summary: asIs(''), evidence, problem: idleProblem(expectation, answers, verdict.expected, notUp, say) };
  // The server the pattern gives next: the one V1 then keeps busy.
  return {
    summary: idleSummary(answers.length, inOrder(expectation, verdict, say), say),
    evidence,
    next: verdict.servers[0]!,
  };
}

/** Requests while `busy` has a connection held open: leastconn avoids it, roundrobin and source do not. */
async function busyProof(farm: Farm, serverOf: PageServer, busy: string): Promise<Proof> {
  const { lab, say } = farm;
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
    if (open === undefined) return { summary: asIs(''), evidence: [], problem: notHeldProblem(busy, sessions, say) };
    const answers = (await sequential(farm, web.length * 2)).map((a) => describeAnswer(serverOf, a, say));
    // The answers prove something only if the server was busy all along.
    const still = (await webServerStats(farm))?.get(busy)?.scur ?? '?';
    if (!(Number(still) >= 1))
      return {
        summary: asIs(''),
        evidence: [answersEvidence(answers, say)],
        problem: heldEndedProblem(busy, answers.length, still, lab.haproxy.timeouts.client, say),
      };
    const expectation = expectedAnswers(lab.haproxy.balance, web, busy);
    const verdict = judgeAnswers(expectation, answers, say);
    const evidence = [busyEvidence(busy, sessions, answers, say)];
    if (!verdict.ok)
      return {
        summary: asIs(''),
        evidence,
        problem: busyProblem(lab.haproxy.balance, busy, answers, verdict.expected, say),
      };
    return {
      summary: busySummary(lab.haproxy.balance, busy, answers.length, inOrder(expectation, verdict, say), say),
      evidence,
    };
  } finally {
    await held.release();
  }
}

/** The first answer sets the cookie the mode gives; each server's cookie keeps a client on that server. */
async function cookieProof(farm: Farm, serverOf: PageServer): Promise<Proof> {
  const { lab, say } = farm;
  const { name, mode } = lab.haproxy.cookie;
  const servers = cookieServers(lab);
  const first = await farm.client.get();
  const firstServer = first?.status === 200 ? serverOf(first.body) : undefined;
  const firstDescribed = describeAnswer(serverOf, first, say);
  const evidence = [firstAnswerEvidence(firstDescribed, first, say)];
  if (!first || !firstServer)
    return {
      summary: asIs(''),
      evidence,
      problem: say(
        `the request without a cookie was answered by ${firstDescribed}`,
        `la petición sin cookie no la respondió ningún servidor web: ${firstDescribed}`,
      ),
    };
  const owner = servers.find((s) => s.name === firstServer)!;
  // With prefix and rewrite HAProxy changes a cookie the application sets; a farm built by hand
  // serves static pages that set none (the tutorial's), so only the client's cookie can be proved.
  const noAppCookie = farm.adopted === true && mode !== 'insert' && cookieValues(first.setCookies, name).length === 0;
  const firstProblem = noAppCookie ? undefined : cookieProblem(mode, name, owner, first.setCookies, false, say);
  if (firstProblem) return { summary: asIs(''), evidence, problem: firstProblem };
  if (noAppCookie) evidence.push(noAppCookieEvidence(name, mode, say));

  const problems: Words[] = [];
  let count = 0;
  for (const server of servers) {
    const cookie = `${name}=${cookieValueFor(mode, server)}`;
    const answers = await sequential(farm, 2, cookie);
    count += answers.length;
    const went = answers.map((a) => describeAnswer(serverOf, a, say));
    evidence.push(cookieEvidence(cookie, went, answers, say));
    if (went.some((w) => w !== server.name)) problems.push(cookieStrayProblem(cookie, went, server.name, say));
    for (const answer of noAppCookie ? [] : answers) {
      const problem = answer ? cookieProblem(mode, name, server, answer.setCookies, true, say) : undefined;
      if (problem && !problems.includes(problem)) problems.push(problem);
    }
  }
  if (problems.length > 0) return { summary: asIs(''), evidence, problem: joinWords(problems, '; ') };
  const setter = noAppCookie ? undefined : { server: firstServer, value: cookieValueFor(mode, owner) };
  return { summary: cookieSummary({ name, mode }, setter, count, say), evidence };
}

/**
 * V1's proofs in order, each only after the one before passed: a farm that does not rotate says
 * nothing about a busy server, nor about cookies. `notUp`: HAProxy's stats of servers not UP,
 * quoted when the answers are not what the algorithm gives.
 */
export async function proveBalancing(
  farm: Farm,
  notUp: Words[] = [],
): Promise<{ passed: boolean; summary: Words; evidence: Words[] }> {
  const serverOf = pageServer(farm.lab, farm.adopted);
  const idle = await idleProof(farm, serverOf, notUp);
  const proofs: Proof[] = [idle];
  if (!idle.problem) proofs.push(await busyProof(farm, serverOf, idle.next!));
  if (!proofs.some((p) => p.problem)) proofs.push(await cookieProof(farm, serverOf));
  const failed = proofs.find((p) => p.problem);
  return {
    passed: failed === undefined,
    summary: failed
      ? failed.problem!
      : joinWords(
          proofs.map((p) => p.summary),
          '; ',
        ),
    evidence: proofs.flatMap((p) => p.evidence),
  };
}

/** The farm has not settled: the VIP does not answer from the balancer that should hold it. */
export function notSettledProblem(lab: Lab, say: Speaker): Words {
  const { name, address } = lab.vip;
  const from = haStackOf(lab).failsBack(lab) ? asIs(masterBalancer(lab).name) : say('a balancer', 'un balanceador');
  return say(
    `the farm has not settled: ${name} (${address}) does not answer from ${from}`,
    `la granja no se ha estabilizado: ${name} (${address}) no responde desde ${from}`,
  );
}

export const balancingCheck: Check = {
  id: 'V1',
  title: TITLES.roundrobin,
  uses: ['requests'],
  titleFor: (lab) => TITLES[lab.haproxy.balance],
  async run(ctx) {
    const { lab, say } = ctx;
    // Each balancer counts its own turn: the VIP must not move while the requests go out. The
    // run waited for the farm to settle before the first check; this only confirms it.
    const holder = await waitSettled(ctx, 5_000);
    if (holder === undefined) return { passed: false, summary: notSettledProblem(lab, say), evidence: [] };
    // A web server that just started again (provision repaired it) is UP after HAProxy's rise checks.
    let notUp: Words[] = [];
    await waitUntil(async () => (notUp = await serversNotUp(ctx)).length === 0, upDeadlineMs(lab.haproxy.check), 500);
    const proved = await proveBalancing(ctx, notUp);
    return { ...proved, evidence: [say(`${holder} holds the VIP`, `${holder} tiene la VIP`), ...proved.evidence] };
  },
};
