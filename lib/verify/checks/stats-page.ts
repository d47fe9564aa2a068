// V2: the statistics page asks for the user and password, then lists every server UP (read from
// HAProxy's CSV export, not from the HTML).
import type { Check } from '../check.ts';
import { notUp, serverStatuses, webServerStats } from '../../../roles/haproxy/haproxy-stats.ts';
import { statsSnapshot } from '../../../roles/haproxy/stats-snapshot.ts';

export const statsPageCheck: Check = {
  id: 'V2',
  title: 'statistics page',
  uses: ['requests'],
  async run(ctx) {
    const { lab, client, statsPassword } = ctx;
    const uri = lab.haproxy.stats.uri;
    const anonymous = await client.get({ path: uri });
    const authorized = await client.get({ path: uri, auth: `${lab.haproxy.stats.user}:${statsPassword}` });
    const servers = serverStatuses(lab, (await webServerStats(ctx)) ?? new Map());
    const problems = [
      ...(anonymous?.status === 401
        ? []
        : [`without credentials: ${anonymous ? `status ${anonymous.status}` : 'no answer'} (expected 401)`]),
      ...(authorized?.status === 200
        ? []
        : [`with credentials: ${authorized ? `status ${authorized.status}` : 'no answer'} (expected 200)`]),
      ...notUp(servers),
    ];
    const snapshot = await statsSnapshot(
      ctx,
      notUp(servers).length === 0 ? 'every web server UP' : `not every web server UP (${notUp(servers).join(', ')})`,
    );
    return {
      ...(snapshot ? { snapshots: [snapshot] } : {}),
      passed: problems.length === 0,
      summary:
        problems.length === 0
          ? `401 without credentials, 200 with them; ${servers.map((s) => `${s.name} ${s.status}`).join(', ')}`
          : problems.join('; '),
      evidence: [
        `GET ${uri}: ${anonymous?.status ?? 'no answer'}`,
        `GET ${uri} as ${lab.haproxy.stats.user}: ${authorized?.status ?? 'no answer'}`,
        ...servers.map((s) => `${s.name}: ${s.status}`),
      ],
    };
  },
};
