// V1's sentences (lib/verify/checks/balancing.ts) in English, as they always were, and in Spanish:
// the server names, cookies and HAProxy's words quoted as they are, the rest said.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../../lib/farm/load-lab.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';
import { asIs, english, speaker } from '../../../../lib/said.ts';
import { expectedAnswers, judgeAnswers } from '../../../../roles/haproxy/balance-expectations.ts';
import {
  answersEvidence,
  busyEvidence,
  busyProblem,
  busySummary,
  cookieEvidence,
  cookieStrayProblem,
  cookieSummary,
  firstAnswerEvidence,
  heldEndedProblem,
  idleProblem,
  idleSummary,
  inOrder,
  noAppCookieEvidence,
  notHeldProblem,
  notSettledProblem,
} from '../../../../lib/verify/checks/balancing.ts';

const es = speaker('es');
const web = ['web1', 'web2', 'web3'];
const words = (text: string) => text.split(' ').map(asIs);
const answer = (setCookies: string[]) => ({ status: 200, headers: {}, setCookies, body: '' });

describe('the idle requests', () => {
  const rotation = expectedAnswers('roundrobin', web);
  const one = expectedAnswers('source', web);

  it('say who answered in turn, or only one server', () => {
    const turn = { ok: true as const, servers: web };
    expect(idleSummary(9, inOrder(rotation, turn, english), english)).toBe(
      '9 requests answered by web1, web2, web3 in turn',
    );
    expect(idleSummary(9, inOrder(rotation, turn, es), es)).toBe(
      '9 peticiones respondidas por web1, web2, web3, por turnos',
    );
    expect(idleSummary(9, inOrder(one, { ok: true, servers: ['web3'] }, english), english)).toBe(
      '9 requests answered by web3 only',
    );
    expect(idleSummary(9, inOrder(one, { ok: true, servers: ['web3'] }, es), es)).toBe(
      '9 peticiones respondidas por web3 únicamente',
    );
    expect(answersEvidence(words('web1 web2'), english)).toBe('answers: web1 web2');
    expect(answersEvidence(words('web1 web2'), es)).toBe('respuestas: web1 web2');
  });

  it("say what came, what was expected and HAProxy's stats", () => {
    const answers = words('web1 web1 web1');
    const verdict = judgeAnswers(rotation, answers, es);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(idleProblem(rotation, answers, verdict.expected, [asIs('web2 está DOWN')], es)).toBe(
      'no por turnos: web1 web1 web1 (se esperaba web1, web2, web3, una vez cada uno en cada 3 peticiones, en el mismo orden) (estadísticas de HAProxy: web2 está DOWN)',
    );
    const inEnglish = judgeAnswers(one, words('web1 web2'), english);
    if (inEnglish.ok) throw new Error('source judged web1 web2 as one server');
    expect(idleProblem(one, words('web1 web2'), inEnglish.expected, [], english)).toBe(
      'not on one server: web1 web2 (expected every request on one server of web1, web2, web3)',
    );
    expect(idleProblem(one, words('web1 web2'), asIs('…'), [], es)).toBe('no en un mismo servidor: web1 web2 (…)');
    expect(idleProblem(rotation, answers, asIs('…'), [asIs('web2 is DOWN')], english)).toBe(
      "not in turn: web1 web1 web1 (…) (HAProxy's stats: web2 is DOWN)",
    );
  });
});

describe('the requests beside a busy server', () => {
  const order = (say: typeof english) =>
    inOrder(expectedAnswers('leastconn', web, 'web2'), { ok: true, servers: ['web1', 'web3'] }, say);

  it('say where they went, as each algorithm sends them', () => {
    expect(busySummary('leastconn', 'web2', 6, order(english), english)).toBe(
      'with web2 busy (a request held open) 6 requests went to web1, web3 in turn, none to web2',
    );
    expect(busySummary('leastconn', 'web2', 6, order(es), es)).toBe(
      'con web2 ocupado (una petición mantenida abierta), 6 peticiones fueron a web1, web3, por turnos, ninguna a web2',
    );
    expect(busySummary('roundrobin', 'web1', 6, asIs('web1, web2, web3 in turn'), english)).toBe(
      'with web1 busy (a request held open) 6 requests still went to web1, web2, web3 in turn',
    );
    expect(busySummary('roundrobin', 'web1', 6, asIs('web1, web2, web3, por turnos'), es)).toBe(
      'con web1 ocupado (una petición mantenida abierta), 6 peticiones siguieron yendo a web1, web2, web3, por turnos',
    );
    expect(busySummary('source', 'web3', 6, asIs(''), english)).toBe(
      'with web3 busy (a request held open) 6 requests stayed on web3',
    );
    expect(busySummary('source', 'web3', 6, asIs(''), es)).toBe(
      'con web3 ocupado (una petición mantenida abierta), 6 peticiones se quedaron en web3',
    );
  });

  it('say what went wrong', () => {
    expect(busyProblem('leastconn', 'web2', words('web1 web2'), asIs('se esperaba …'), es)).toBe(
      'con web2 ocupado (una petición mantenida abierta): web1 web2 (se esperaba …: balance leastconn)',
    );
    expect(busyProblem('leastconn', 'web2', words('web1 web2'), asIs('expected …'), english)).toBe(
      'with web2 busy (a request held open): web1 web2 (expected …: balance leastconn)',
    );
    expect(notHeldProblem('web2', '0', english)).toBe(
      "a request held open to web2 (by its cookie) left it no connection open (HAProxy's stats: 0 current sessions)",
    );
    expect(notHeldProblem('web2', '0', es)).toBe(
      'una petición mantenida abierta hacia web2 (por su cookie) no le dejó ninguna conexión abierta (estadísticas de HAProxy: 0 sesiones actuales)',
    );
    expect(heldEndedProblem('web2', 6, '0', '50ms', english)).toBe(
      "the request held open to web2 ended before the 6 requests beside it were answered (HAProxy's stats: 0 current sessions; HAProxy ends it after timeout client 50ms)",
    );
    expect(heldEndedProblem('web2', 6, '1', '50ms', es)).toBe(
      'la petición mantenida abierta hacia web2 terminó antes de que se respondieran las 6 peticiones enviadas junto a ella (estadísticas de HAProxy: 1 sesión actual; HAProxy la termina tras timeout client 50ms)',
    );
  });

  it('agree in number in the evidence', () => {
    expect(busyEvidence('web2', '1', words('web1 web3'), english)).toBe(
      'web2 busy (1 connection held open); answers: web1 web3',
    );
    expect(busyEvidence('web2', '1', words('web1 web3'), es)).toBe(
      'web2 ocupado (1 conexión mantenida abierta); respuestas: web1 web3',
    );
    expect(busyEvidence('web2', '2', words('web1'), es)).toBe(
      'web2 ocupado (2 conexiones mantenidas abiertas); respuestas: web1',
    );
  });
});

describe('the cookies', () => {
  it('say the first answer and each cookie', () => {
    const first = answer(['JSESSIONID=A~web1-session; Path=/']);
    expect(firstAnswerEvidence(asIs('web1'), first, english)).toBe(
      'first answer: web1, Set-Cookie: JSESSIONID=A~web1-session; Path=/',
    );
    expect(firstAnswerEvidence(asIs('web1'), answer([]), es)).toBe('primera respuesta: web1, Set-Cookie: ninguna');
    expect(firstAnswerEvidence(asIs('web1'), answer([]), english)).toBe('first answer: web1, Set-Cookie: none');
    expect(cookieEvidence('JSESSIONID=A', words('web1 web1'), [answer([]), answer(['JSESSIONID=A'])], english)).toBe(
      'with JSESSIONID=A: web1 web1; Set-Cookie: none, JSESSIONID=A',
    );
    expect(cookieEvidence('JSESSIONID=A', words('web1 web1'), [answer([]), undefined], es)).toBe(
      'con JSESSIONID=A: web1 web1; Set-Cookie: ninguna, ninguna',
    );
    expect(cookieStrayProblem('JSESSIONID=B', words('web1 web3'), 'web2', english)).toBe(
      'with JSESSIONID=B the requests went to web1 web3 instead of staying on web2',
    );
    expect(cookieStrayProblem('JSESSIONID=B', words('web1 web3'), 'web2', es)).toBe(
      'con JSESSIONID=B las peticiones fueron a web1 web3 en lugar de quedarse en web2',
    );
  });

  it('say a farm whose application sets no cookie', () => {
    expect(noAppCookieEvidence('JSESSIONID', 'prefix', english)).toBe(
      'no web server sets JSESSIONID: with cookie JSESSIONID prefix, HAProxy prefixes a cookie the application sets, so a browser is kept on one server only once the application sets one',
    );
    expect(noAppCookieEvidence('JSESSIONID', 'rewrite', english)).toBe(
      'no web server sets JSESSIONID: with cookie JSESSIONID rewrite, HAProxy rewrites a cookie the application sets, so a browser is kept on one server only once the application sets one',
    );
    expect(noAppCookieEvidence('JSESSIONID', 'rewrite', es)).toBe(
      'ningún servidor web establece JSESSIONID: con cookie JSESSIONID rewrite, HAProxy reescribe una cookie que establece la aplicación, así que un navegador se mantiene en un mismo servidor solo cuando la aplicación establece una',
    );
  });

  it('sum up what the cookies showed', () => {
    const first = { server: 'web2', value: 'B' };
    expect(cookieSummary({ name: 'JSESSIONID', mode: 'insert' }, first, 6, english)).toBe(
      "cookie JSESSIONID insert: web2's first answer set JSESSIONID=B, and with each server's cookie all 6 requests stayed on that server and were given no new cookie",
    );
    expect(cookieSummary({ name: 'JSESSIONID', mode: 'insert' }, first, 6, es)).toBe(
      'cookie JSESSIONID insert: la primera respuesta de web2 estableció JSESSIONID=B, y con la cookie de cada servidor las 6 peticiones se quedaron en ese servidor y no recibieron ninguna cookie nueva',
    );
    expect(cookieSummary({ name: 'JSESSIONID', mode: 'prefix' }, undefined, 6, english)).toBe(
      "cookie JSESSIONID prefix: no web server sets JSESSIONID (the application's own cookie), and with each server's cookie all 6 requests stayed on that server",
    );
    expect(cookieSummary({ name: 'JSESSIONID', mode: 'prefix' }, undefined, 6, es)).toBe(
      'cookie JSESSIONID prefix: ningún servidor web establece JSESSIONID (la cookie propia de la aplicación), y con la cookie de cada servidor las 6 peticiones se quedaron en ese servidor',
    );
  });
});

describe('a farm that has not settled', () => {
  const lab = parseLab(readFileSync(TUTORIAL_LAB, 'utf8'), TUTORIAL_LAB);

  it('says where the VIP does not answer from', () => {
    const inEnglish = notSettledProblem(lab, english);
    expect(inEnglish).toMatch(/^the farm has not settled: trabajoswap\.com \(192\.168\.1\.100\) does not answer from /);
    const spanish = notSettledProblem(lab, es);
    expect(spanish).toMatch(
      /^la granja no se ha estabilizado: trabajoswap\.com \(192\.168\.1\.100\) no responde desde /,
    );
    // the master balancer's name, or "a balancer" said
    expect(inEnglish.endsWith('from haproxy1') || inEnglish.endsWith('from a balancer')).toBe(true);
    expect(spanish.endsWith('desde haproxy1') || spanish.endsWith('desde un balanceador')).toBe(true);
  });
});
