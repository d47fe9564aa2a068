// lab:import of a Heartbeat farm built by hand (T5, T7): the master and the VIP from
// haresources (`haproxy1 IPaddr::192.168.1.100/24/eth1`), the heartbeat interface from ha.cf's
// bcast, and the heartbeat: section from ha.cf's directives, each absent one the tutorial's.
import type { ImportedSection, SectionImport, StackFacts } from '../farm-import.ts';
import { configLines, shown, type MachineHoldings } from '../mistakes.ts';
import { HA_CF, HARESOURCES } from './heartbeat-mistakes.ts';
import { HEARTBEAT_DEFAULTS } from './heartbeat-section.ts';

const WHOLE = /^\d{1,6}$/;
// ha.cf's times may carry a unit (5, 5s, 500ms): the definition takes whole seconds
const SECONDS = /^(\d{1,6})(s?)$/;

/** `haproxy1 IPaddr::192.168.1.100/24/eth1` (IPaddr2 too; prefix and interface optional). */
export function stackFacts(balancer: MachineHoldings): StackFacts | { problem: string } {
  const resources = balancer.files.get(HARESOURCES);
  if (!resources) return { problem: `${balancer.host} has no ${HARESOURCES} (T7)` };
  for (const line of configLines(resources.content)) {
    const resource = line.words.slice(1).find((w) => /^IPaddr2?::/.test(w));
    const match = resource ? /^IPaddr2?::(\d+\.\d+\.\d+\.\d+)(?:\/(\d{1,2}))?(?:\/([^/\s]+))?/.exec(resource) : null;
    if (!match || (match[2] !== undefined && Number(match[2]) > 32)) continue;
    const ha = balancer.files.get(HA_CF);
    const bcast = ha ? configLines(ha.content).find((l) => l.words[0] === 'bcast')?.words[1] : undefined;
    return {
      masterNode: line.words[0]!,
      vip: {
        address: match[1]!,
        prefix: match[2] === undefined ? 24 : Number(match[2]),
        ...(match[3] ? { interface: match[3] } : {}),
      },
      ...(bcast ? { heartbeatInterface: bcast } : {}),
    };
  }
  return { problem: `${balancer.host}'s ${HARESOURCES} names no IPaddr resource (T7)` };
}

/** The heartbeat: section from the master's ha.cf. */
function section(holdings: ReadonlyMap<string, MachineHoldings>, farm: { master: string }): ImportedSection {
  const ha = holdings.get(farm.master)?.files.get(HA_CF);
  const notes: string[] = [];
  const directives = new Map((ha ? configLines(ha.content) : []).map((l) => [l.words[0]!, l.words.slice(1)]));
  const value = (key: string) => directives.get(key)?.[0];
  const seconds = (key: 'deadtime' | 'warntime' | 'initdead' | 'keepalive') => {
    const given = value(key);
    const match = given === undefined ? null : SECONDS.exec(given);
    if (match) return Number(match[1]);
    notes.push(
      `heartbeat.${key}: ${given === undefined ? 'not in ha.cf' : `${shown(given)} in ha.cf is not whole seconds`}; the tutorial's ${HEARTBEAT_DEFAULTS[key]} kept`,
    );
    return HEARTBEAT_DEFAULTS[key];
  };
  const port = value('udpport');
  const failback = value('auto_failback');
  const file = (key: 'logfile' | 'debugfile') => {
    const given = value(key);
    if (given !== undefined && /^\/var\/log\/[A-Za-z0-9._-]{1,100}$/.test(given)) return given;
    notes.push(
      `heartbeat.${key}: ${given === undefined ? 'not in ha.cf' : `${shown(given)} is not a file in /var/log/`}; ${HEARTBEAT_DEFAULTS[key]} kept`,
    );
    return HEARTBEAT_DEFAULTS[key];
  };
  if (!ha) notes.push(`heartbeat: ${farm.master} has no ${HA_CF}: the tutorial's values kept`);
  return {
    values: {
      deadtime: seconds('deadtime'),
      warntime: seconds('warntime'),
      initdead: seconds('initdead'),
      keepalive: seconds('keepalive'),
      udpport: port !== undefined && WHOLE.test(port) ? Number(port) : HEARTBEAT_DEFAULTS.udpport,
      auto_failback: failback === undefined ? HEARTBEAT_DEFAULTS.autoFailback : failback === 'on',
      logfile: file('logfile'),
      debugfile: file('debugfile'),
    },
    notes,
  };
}

export const heartbeatImport: SectionImport = {
  files: [HA_CF, HARESOURCES],
  stackFacts,
  section,
};
