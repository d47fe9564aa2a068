// V1: reloading http://trabajoswap.com gives web1, web2, web3, web1… (balance roundrobin).
import { masterBalancer, webServers } from '../../lab/model.ts';
import type { Check } from '../check.ts';
import type { LanClient } from '../lan-client.ts';
import { upDeadlineMs } from '../health-checks.ts';
import { servedBy, waitUntil } from '../steady-load.ts';
import { waitSettled } from '../vip.ts';
import { serversNotUp } from './stats-page.ts';

/** A client that sends back the cookie HAProxy gave it stays on one server (cookie … prefix). */
async function stickiness(name: string, client: LanClient, count: number): Promise<{ summary: string; problem?: string }> {
  const first = await client.get();
  const server = first?.status === 200 ? servedBy(first.body) : undefined;
  const cookie = new RegExp(`^(${name}=[^;]+)`).exec(first?.headers['set-cookie'] ?? '')?.[1];
  if (!server || !cookie) return { summary: `no ${name} cookie in the answer`, problem: `the answer set no ${name} cookie (Set-Cookie: ${first?.headers['set-cookie'] ?? 'none'})` };
  if (!/=[A-Z]+~/.test(cookie)) return { summary: `cookie ${cookie}`, problem: `${cookie} carries no server prefix (cookie ${name} prefix)` };
  const answers: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await client.get({ cookie });
    answers.push(answer?.status === 200 ? (servedBy(answer.body) ?? '?') : 'no answer');
  }
  const stayed = answers.every((a) => a === server);
  return stayed
    ? { summary: `with cookie ${cookie} all ${count} requests stayed on ${server}` }
    : { summary: `with cookie ${cookie}: ${answers.join(' ')}`, problem: `with cookie ${cookie} the requests went to ${answers.join(' ')} instead of staying on ${server}` };
}

/**
 * The rotation the answers follow: every web server once in the first round, then the same
 * order again and again; undefined when they do not. The order is HAProxy's own: web1, web2,
 * web3 on a fresh HAProxy, but a server that comes back UP rejoins the rotation elsewhere.
 */
export function rotationOf(answers: string[], web: string[]): string[] | undefined {
  const round = answers.slice(0, web.length);
  if (new Set(round).size !== web.length || !round.every((a) => web.includes(a))) return undefined;
  return answers.every((a, i) => a === round[i % round.length]) ? round : undefined;
}

export const roundRobinCheck: Check = {
  id: 'V1',
  title: 'round robin',
  async run(ctx) {
    const { lab, client } = ctx;
    const web = webServers(lab).map((h) => h.name);
    // Each balancer counts its own turn: the VIP must not move while the requests go out. The
    // run waited for the farm to settle before the first check; this only confirms it.
    const holder = await waitSettled(ctx, 5_000);
    if (holder === undefined) return { passed: false, summary: `the farm has not settled: ${lab.vip.name} (${lab.vip.address}) does not answer from ${lab.heartbeat.autoFailback ? masterBalancer(lab).name : 'a balancer'}`, evidence: [] };
    // A web server that just started again (provision repaired it) is UP after HAProxy's rise checks.
    let notUp: string[] = [];
    await waitUntil(async () => (notUp = await serversNotUp(ctx)).length === 0, upDeadlineMs(lab.haproxy.check), 500);
    const answers: string[] = [];
    for (let i = 0; i < web.length * 3; i++) {
      const answer = await client.get();
      answers.push(answer?.status === 200 ? (servedBy(answer.body) ?? `status ${answer.status}`) : 'no answer');
    }
    const rotation = rotationOf(answers, web);
    const sticky = await stickiness(lab.haproxy.cookie.name, client, web.length * 2);
    const problems = [
      ...(rotation ? [] : [`not in turn: ${answers.join(' ')} (expected ${web.join(', ')} each once in every ${web.length} requests, in the same order)${notUp.length > 0 ? ` (HAProxy's stats: ${notUp.join(', ')})` : ''}`]),
      ...(sticky.problem ? [sticky.problem] : []),
    ];
    return {
      passed: problems.length === 0,
      summary: problems.length === 0 ? `${answers.length} requests answered by ${rotation!.join(', ')} in turn; ${sticky.summary}` : problems.join('; '),
      evidence: [`${holder} holds the VIP; answers: ${answers.join(' ')}`, sticky.summary],
    };
  },
};
