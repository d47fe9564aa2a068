// Which balancer holds the VIP, asked of the balancers themselves (`ip -4 -o addr show`, as
// lab:verify does) all at once, within a bound: the picture must not wait on a machine that
// does not answer. Two holders are a split brain and are shown as such.
import type { ExecResult } from '../engine/remote.ts';
import { balancers, type Lab } from '../lab/model.ts';
import { english, type Said, type Speaker } from '../said.ts';

export interface VipHolding {
  /** the balancers with the VIP on an interface: one normally, more in a split brain */
  holders: string[];
  /** why the holder is not known, when it is not: the lab is not up, a balancer did not answer */
  unknown?: Said;
}

export const NOT_UP: VipHolding = {
  holders: [],
  unknown: { en: 'lab not up', es: 'el laboratorio no está levantado' },
};

type Exec = (host: string, command: string) => Promise<ExecResult>;
type Answer = { host: string; holds: boolean } | { host: string; problem: string };

/** Whether one line of `ip -4 -o addr show` carries the address. */
export function showsAddress(ipOutput: string, address: string): boolean {
  return ipOutput.split('\n').some((line) => line.split(/\s+/).some((word) => word.startsWith(`${address}/`)));
}

export async function readVipHolding(lab: Lab, exec: Exec, timeoutMs = 15_000): Promise<VipHolding> {
  const names = balancers(lab).map((h) => h.name);
  const asked = Promise.all(
    names.map((host): Promise<Answer> =>
      exec(host, 'ip -4 -o addr show').then(
        (result) =>
          result.code === 0
            ? { host, holds: showsAddress(result.stdout, lab.vip.address) }
            : { host, problem: `ip exited with ${result.code}` },
        (error: Error) => ({ host, problem: error.message }),
      ),
    ),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), timeoutMs)));
  const answers = await Promise.race([asked, late]).finally(() => clearTimeout(timer));
  if (!answers) {
    const seconds = timeoutMs / 1000;
    const unknown = {
      en: `the balancers did not answer within ${seconds} s`,
      es: `los balanceadores no respondieron en ${seconds} s`,
    };
    return { holders: [], unknown };
  }
  const holders = answers.filter((a) => 'holds' in a && a.holds).map((a) => a.host);
  // Balancers that failed alike are named together: "haproxy1, haproxy2: not running".
  const silent = new Map<string, string[]>();
  for (const a of answers) if ('problem' in a) silent.set(a.problem, [...(silent.get(a.problem) ?? []), a.host]);
  if (silent.size === 0) return { holders };
  const which = [...silent].map(([problem, hosts]) => `${hosts.join(', ')}: ${problem}`).join('; ');
  return { holders, unknown: { en: `not asked of ${which}`, es: `sin preguntar a ${which}` } };
}

/** "VIP holder: haproxy1", as the picture and lab:graph say it. */
export function describeHolding(holding: VipHolding, say: Speaker = english): string {
  const { holders } = holding;
  const unknown = holding.unknown && say.said(holding.unknown);
  if (holders.length > 1) {
    const also = unknown ? `; ${unknown}` : '';
    return say(
      `VIP holders: ${holders.join(' and ')} (split brain)${also}`,
      `titulares de la VIP: ${holders.join(' y ')} (split brain)${also}`,
    );
  }
  if (holders.length === 1) {
    const also = unknown ? ` (${unknown})` : '';
    return say(`VIP holder: ${holders[0]}${also}`, `titular de la VIP: ${holders[0]}${also}`);
  }
  return unknown
    ? say(`VIP holder: unknown (${unknown})`, `titular de la VIP: desconocido (${unknown})`)
    : say('VIP holder: none (no balancer has it)', 'titular de la VIP: ninguno (ningún balanceador la tiene)');
}
