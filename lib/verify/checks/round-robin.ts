// V1: reloading http://trabajoswap.com gives web1, web2, web3, web1… (balance roundrobin).
import { webServers } from '../../lab/model.ts';
import type { Check } from '../check.ts';
import { servedBy, waitUntil } from '../steady-load.ts';

export const roundRobinCheck: Check = {
  id: 'V1',
  title: 'round robin',
  async run({ lab, client }) {
    const web = webServers(lab).map((h) => h.name);
    // Right after provisioning Heartbeat may still be acquiring the VIP.
    const settled = await waitUntil(async () => (await client.get())?.status === 200, 60_000, 250);
    if (settled === undefined) return { passed: false, summary: `nothing answers at ${lab.vip.name} (${lab.vip.address}) within 60 s`, evidence: [] };
    const answers: string[] = [];
    for (let i = 0; i < web.length * 3; i++) {
      const answer = await client.get();
      answers.push(answer?.status === 200 ? (servedBy(answer.body) ?? `status ${answer.status}`) : 'no answer');
    }
    const start = web.indexOf(answers[0]!);
    const inTurn = start !== -1 && answers.every((a, i) => a === web[(start + i) % web.length]);
    return {
      passed: inTurn,
      summary: inTurn
        ? `${answers.length} requests answered by ${web.join(', ')} in turn`
        : `not in turn: ${answers.join(' ')} (expected ${web.join(', ')} repeating)`,
      evidence: [`answers: ${answers.join(' ')}`],
    };
  },
};
