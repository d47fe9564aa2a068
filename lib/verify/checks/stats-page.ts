// V2: the statistics page asks for the user and password, then lists every server UP (read from
// HAProxy's CSV export, not from the HTML).
import type { Check } from '../check.ts';
import { notUp, serverStatuses, statusWords, webServerStats } from '../../../roles/haproxy/haproxy-stats.ts';
import { statsSnapshot } from '../../../roles/haproxy/stats-snapshot.ts';
import { joinWords, type Speaker, type Words } from '../../said.ts';

type Servers = Array<{ name: string; status: string }>;

/** The status an answer came with, or that none came: "status 200", "no answer". */
function statusOf(answer: { status: number } | undefined, say: Speaker): Words {
  return answer ? say(`status ${answer.status}`, `estado ${answer.status}`) : say('no answer', 'sin respuesta');
}

/** What is wrong with the page's answers to a request without credentials and to one with them. */
export function credentialProblems(
  anonymous: { status: number } | undefined,
  authorized: { status: number } | undefined,
  say: Speaker,
): Words[] {
  const problems: Words[] = [];
  if (anonymous?.status !== 401) {
    const got = statusOf(anonymous, say);
    problems.push(say(`without credentials: ${got} (expected 401)`, `sin credenciales: ${got} (se esperaba 401)`));
  }
  if (authorized?.status !== 200) {
    const got = statusOf(authorized, say);
    problems.push(say(`with credentials: ${got} (expected 200)`, `con credenciales: ${got} (se esperaba 200)`));
  }
  return problems;
}

/** The moment of the page the report keeps: every web server UP, or which are not. */
export function snapshotLabel(servers: Servers, say: Speaker): Words {
  const down = notUp(servers, say);
  if (down.length === 0) return say('every web server UP', 'todos los servidores web en UP');
  const which = down.join(', ');
  return say(`not every web server UP (${which})`, `no todos los servidores web en UP (${which})`);
}

/** The summary of a page that passed: "401 without credentials, 200 with them; web1 UP, …". */
export function passedSummary(servers: Servers, say: Speaker): Words {
  const statuses = servers.map((s) => `${s.name} ${statusWords(s.status, say)}`).join(', ');
  return say(`401 without credentials, 200 with them; ${statuses}`, `401 sin credenciales, 200 con ellas; ${statuses}`);
}

/** The requests and the servers' statuses, as the evidence shows them. */
export function statsEvidence(
  page: { uri: string; user: string },
  anonymous: { status: number } | undefined,
  authorized: { status: number } | undefined,
  servers: Servers,
  say: Speaker,
): Words[] {
  const { uri, user } = page;
  const none = say('no answer', 'sin respuesta');
  const anonymousStatus = anonymous?.status ?? none;
  const authorizedStatus = authorized?.status ?? none;
  return [
    say(`GET ${uri}: ${anonymousStatus}`, `GET ${uri}: ${anonymousStatus}`),
    say(`GET ${uri} as ${user}: ${authorizedStatus}`, `GET ${uri} como ${user}: ${authorizedStatus}`),
    ...servers.map((s) => {
      const status = statusWords(s.status, say);
      return say(`${s.name}: ${status}`, `${s.name}: ${status}`);
    }),
  ];
}

export const statsPageCheck: Check = {
  id: 'V2',
  title: { en: 'statistics page', es: 'página de estadísticas' },
  uses: ['requests'],
  async run(ctx) {
    const { lab, client, statsPassword, say } = ctx;
    const uri = lab.haproxy.stats.uri;
    const anonymous = await client.get({ path: uri });
    const authorized = await client.get({ path: uri, auth: `${lab.haproxy.stats.user}:${statsPassword}` });
    const servers = serverStatuses(lab, (await webServerStats(ctx)) ?? new Map());
    const problems = [...credentialProblems(anonymous, authorized, say), ...notUp(servers, say)];
    const snapshot = await statsSnapshot(ctx, snapshotLabel(servers, say));
    return {
      ...(snapshot ? { snapshots: [snapshot] } : {}),
      passed: problems.length === 0,
      summary: problems.length === 0 ? passedSummary(servers, say) : joinWords(problems, '; '),
      evidence: statsEvidence({ uri, user: lab.haproxy.stats.user }, anonymous, authorized, servers, say),
    };
  },
};
