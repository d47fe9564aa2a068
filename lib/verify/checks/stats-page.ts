// V2: the statistics page asks for the user and password, then lists every server UP (read from
// HAProxy's CSV export, not from the HTML).
import { webServers, type Lab } from '../../lab/model.ts';
import type { Check, VerifyContext } from '../check.ts';

/** Rows of HAProxy's stats CSV as objects keyed by its header ("# pxname,svname,…"). */
export function parseStatsCsv(csv: string): Array<Record<string, string>> {
  const lines = csv.trim().split('\n');
  const header = (lines[0] ?? '').replace(/^#\s*/, '').split(',');
  return lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((value, i) => [header[i] ?? String(i), value])));
}

/** The stats rows of the lab's web servers, or undefined when the page does not answer. */
export async function webServerStats(ctx: Pick<VerifyContext, 'lab' | 'client' | 'statsPassword'>): Promise<Map<string, Record<string, string>> | undefined> {
  const answer = await ctx.client.get({ path: `${ctx.lab.haproxy.stats.uri};csv`, auth: `${ctx.lab.haproxy.stats.user}:${ctx.statsPassword}` });
  if (answer?.status !== 200) return undefined;
  const rows = parseStatsCsv(answer.body).filter((r) => r.pxname === ctx.lab.haproxy.listen);
  return new Map(rows.map((r) => [r.svname ?? '', r]));
}

/** Each web server of the lab with its status in the stats rows ("missing" when it has no row). */
function serverStatuses(lab: Lab, stats: Map<string, Record<string, string>>): Array<{ name: string; status: string }> {
  return webServers(lab).map((h) => ({ name: h.name, status: stats.get(h.name)?.status ?? 'missing' }));
}

/** The servers that are not UP, as a user reads them ("web3 is DOWN"). */
function notUp(servers: Array<{ name: string; status: string }>): string[] {
  return servers.filter((s) => s.status !== 'UP').map((s) => `${s.name} is ${s.status}`);
}

/** What HAProxy's stats say of the web servers that are not UP ("web3 is DOWN"); none when all are. */
export async function serversNotUp(ctx: Pick<VerifyContext, 'lab' | 'client' | 'statsPassword'>): Promise<string[]> {
  const stats = await webServerStats(ctx);
  return stats ? notUp(serverStatuses(ctx.lab, stats)) : ['the statistics page does not answer'];
}

export const statsPageCheck: Check = {
  id: 'V2',
  title: 'statistics page',
  async run(ctx) {
    const { lab, client, statsPassword } = ctx;
    const uri = lab.haproxy.stats.uri;
    const anonymous = await client.get({ path: uri });
    const authorized = await client.get({ path: uri, auth: `${lab.haproxy.stats.user}:${statsPassword}` });
    const servers = serverStatuses(lab, (await webServerStats(ctx)) ?? new Map());
    const problems = [
      ...(anonymous?.status === 401 ? [] : [`without credentials: ${anonymous ? `status ${anonymous.status}` : 'no answer'} (expected 401)`]),
      ...(authorized?.status === 200 ? [] : [`with credentials: ${authorized ? `status ${authorized.status}` : 'no answer'} (expected 200)`]),
      ...notUp(servers),
    ];
    return {
      passed: problems.length === 0,
      summary: problems.length === 0 ? `401 without credentials, 200 with them; ${servers.map((s) => `${s.name} ${s.status}`).join(', ')}` : problems.join('; '),
      evidence: [`GET ${uri}: ${anonymous?.status ?? 'no answer'}`, `GET ${uri} as ${lab.haproxy.stats.user}: ${authorized?.status ?? 'no answer'}`, ...servers.map((s) => `${s.name}: ${s.status}`)],
    };
  },
};
