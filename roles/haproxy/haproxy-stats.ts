// HAProxy's statistics as the checks read them: its CSV export, fetched through the LAN client
// with the stats user and the lab's password. V1, V2 and V3 all read it; no check owns it.
import { webServers, type Lab } from '../../lib/lab/model.ts';
import { asIs, type Speaker, type Words } from '../../lib/said.ts';

/** Who reads the statistics page: lab:verify's LAN client, with the lab and its stats password. */
export interface StatsReader {
  lab: Lab;
  statsPassword: string;
  client: { get(request: { path: string; auth: string }): Promise<{ status: number; body: string } | undefined> };
}

/** Rows of HAProxy's stats CSV as objects keyed by its header ("# pxname,svname,…"). */
export function parseStatsCsv(csv: string): Array<Record<string, string>> {
  const lines = csv.trim().split('\n');
  const header = (lines[0] ?? '').replace(/^#\s*/, '').split(',');
  return lines
    .slice(1)
    .map((line) => Object.fromEntries(line.split(',').map((value, i) => [header[i] ?? String(i), value])));
}

/** The stats rows of the lab's web servers, or undefined when the page does not answer. */
export async function webServerStats(ctx: StatsReader): Promise<Map<string, Record<string, string>> | undefined> {
  const answer = await ctx.client.get({
    path: `${ctx.lab.haproxy.stats.uri};csv`,
    auth: `${ctx.lab.haproxy.stats.user}:${ctx.statsPassword}`,
  });
  if (answer?.status !== 200) return undefined;
  const rows = parseStatsCsv(answer.body).filter((r) => r.pxname === ctx.lab.haproxy.listen);
  return new Map(rows.map((r) => [r.svname ?? '', r]));
}

/** Each web server of the lab with its status in the stats rows ("missing" when it has no row). */
export function serverStatuses(
  lab: Lab,
  stats: Map<string, Record<string, string>>,
): Array<{ name: string; status: string }> {
  return webServers(lab).map((h) => ({ name: h.name, status: stats.get(h.name)?.status ?? 'missing' }));
}

/** A server's status as a user reads it: HAProxy's own word (UP, DOWN, MAINT) as it is; "missing" said. */
export function statusWords(status: string, say: Speaker): Words {
  return status === 'missing' ? say('missing', 'ausente') : asIs(status);
}

/** The servers that are not UP, as a user reads them ("web3 is DOWN", "web3 está DOWN"). */
export function notUp(servers: Array<{ name: string; status: string }>, say: Speaker): Words[] {
  return servers
    .filter((s) => s.status !== 'UP')
    .map((s) => {
      const status = statusWords(s.status, say);
      return say(`${s.name} is ${status}`, `${s.name} está ${status}`);
    });
}

/** What HAProxy's stats say of the web servers that are not UP ("web3 is DOWN"); none when all are. */
export async function serversNotUp(ctx: StatsReader & { say: Speaker }): Promise<Words[]> {
  const { say } = ctx;
  const stats = await webServerStats(ctx);
  return stats
    ? notUp(serverStatuses(ctx.lab, stats), say)
    : [say('the statistics page does not answer', 'la página de estadísticas no responde')];
}
