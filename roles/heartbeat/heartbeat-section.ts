// The `heartbeat:` section of the lab definition: ha.cf's settings (T5). Absent, the tutorial's
// values hold; present, it is checked even while the lab runs another stack, so that switching
// back is one word.
import type { FarmFacts } from '../../lib/lab/definition-parts.ts';
import type { FieldPath, FieldReader } from '../../lib/lab/yaml-fields.ts';
import { logFile } from '../../lib/lab/field-values.ts';

export interface HeartbeatSettings {
  deadtime: number;
  warntime: number;
  initdead: number;
  keepalive: number;
  udpport: number;
  autoFailback: boolean;
  logfile: string;
  debugfile: string;
}

/** The tutorial's ha.cf (T5), warntime above deadtime included. */
export const HEARTBEAT_DEFAULTS: Readonly<HeartbeatSettings> = {
  deadtime: 5,
  warntime: 10,
  initdead: 15,
  keepalive: 1,
  udpport: 694,
  autoFailback: true,
  logfile: '/var/log/ha-log',
  debugfile: '/var/log/ha-debug',
};

const KEYS = ['deadtime', 'warntime', 'initdead', 'keepalive', 'udpport', 'auto_failback', 'logfile', 'debugfile'];

export function readHeartbeatSettings(r: FieldReader, node: unknown, farm: FarmFacts): HeartbeatSettings | undefined {
  const path: FieldPath = ['heartbeat'];
  const map = r.map(path, node, KEYS);
  if (!map) return undefined;
  const at = (key: string) => r.child(map, key);
  const settings = {
    deadtime: r.int([...path, 'deadtime'], at('deadtime'), 1, 3600),
    warntime: r.int([...path, 'warntime'], at('warntime'), 1, 3600),
    initdead: r.int([...path, 'initdead'], at('initdead'), 1, 3600),
    keepalive: r.int([...path, 'keepalive'], at('keepalive'), 1, 60),
    udpport: r.int([...path, 'udpport'], at('udpport'), 1, 65535),
    autoFailback: r.bool([...path, 'auto_failback'], at('auto_failback')),
    logfile: logFile(r, [...path, 'logfile'], at('logfile'), farm),
    debugfile: logFile(r, [...path, 'debugfile'], at('debugfile'), farm),
  };
  if (Object.values(settings).some((v) => v === undefined)) return undefined;
  const hb = settings as HeartbeatSettings;
  if (hb.keepalive >= hb.deadtime) {
    r.reportField(
      [...path, 'keepalive'],
      `keepalive ${hb.keepalive} must be shorter than deadtime ${hb.deadtime}`,
      `1 to ${hb.deadtime - 1}`,
    );
  }
  if (hb.initdead < hb.deadtime) {
    r.reportField(
      [...path, 'initdead'],
      `initdead ${hb.initdead} is shorter than deadtime ${hb.deadtime}`,
      `${hb.deadtime} or more (Heartbeat advises twice deadtime)`,
    );
  }
  return hb;
}

declare module '../../lib/lab/model.ts' {
  interface LabSections {
    heartbeat: HeartbeatSettings;
  }
}
