// The `keepalived:` section of the lab definition. Every field has keepalived's own default, so
// `ha: {stack: keepalived}` alone gives the stock VRRP pair; a short advertisement interval
// (VRRPv3 counts it in centiseconds) gives the fast-failover profile.
import type { FarmFacts } from '../../lib/lab/definition-parts.ts';
import type { FieldPath, FieldReader } from '../../lib/lab/yaml-fields.ts';
import { logFile } from '../../lib/lab/field-values.ts';

export interface KeepalivedSettings {
  /** VRRP version 2 (keepalived's default, RFC 3768) or 3 (RFC 5798) */
  version: 2 | 3;
  /** the VRRP router's id on the heartbeat network, 1–255 */
  virtualRouterId: number;
  /** seconds between two advertisements of the master */
  advertInt: number;
  /** the master takes the VIP back when it returns (Heartbeat's auto_failback) */
  preempt: boolean;
  /** seconds between two checks that HAProxy runs */
  checkInterval: number;
  /** where the balancers' syslog puts keepalived's lines (lab:verify quotes them) */
  logfile: string;
}

/** keepalived's own defaults (keepalived.conf(5)), the VIP's router id of its sample file. */
export const KEEPALIVED_DEFAULTS: Readonly<KeepalivedSettings> = {
  version: 2,
  virtualRouterId: 51,
  advertInt: 1,
  preempt: true,
  checkInterval: 1,
  logfile: '/var/log/keepalived.log',
};

/** VRRPv3 carries the interval in 12 bits of centiseconds; VRRPv2 in 8 bits of seconds. */
export const ADVERT_INT_BOUNDS = { 2: { min: 1, max: 255 }, 3: { min: 0.01, max: 40.95 } } as const;
/**
 * Centiseconds: what VRRPv3 carries. keepalived 2.2.7 reads advert_int as a decimal of at most 6
 * places (read_decimal_unsigned_strvec with TIMER_HZ_DIGITS, vrrp_parser.c) and refuses more
 * ("has too many decimal places"); a value is read here with 2 at most, so that the decimal
 * written into keepalived.conf is the one the definition holds (lib/lab/decimal.ts).
 */
export const ADVERT_INT_PLACES = 2;

const KEYS = ['version', 'virtual_router_id', 'advert_int', 'preempt', 'check_interval', 'logfile'];

export function readKeepalivedSettings(r: FieldReader, node: unknown, farm: FarmFacts): KeepalivedSettings | undefined {
  const path: FieldPath = ['keepalived'];
  const map = r.map(path, node, [], KEYS);
  if (!map) return undefined;
  const has = (key: string) => map.has(key);
  const at = (key: string) => r.child(map, key);
  const version = has('version') ? r.int([...path, 'version'], at('version'), 2, 3) : KEEPALIVED_DEFAULTS.version;
  const settings = {
    version,
    virtualRouterId: has('virtual_router_id')
      ? r.int([...path, 'virtual_router_id'], at('virtual_router_id'), 1, 255)
      : KEEPALIVED_DEFAULTS.virtualRouterId,
    advertInt: has('advert_int')
      ? r.number(
          [...path, 'advert_int'],
          at('advert_int'),
          ADVERT_INT_BOUNDS[3].min,
          ADVERT_INT_BOUNDS[2].max,
          ADVERT_INT_PLACES,
        )
      : KEEPALIVED_DEFAULTS.advertInt,
    preempt: has('preempt') ? r.bool([...path, 'preempt'], at('preempt')) : KEEPALIVED_DEFAULTS.preempt,
    checkInterval: has('check_interval')
      ? r.int([...path, 'check_interval'], at('check_interval'), 1, 60)
      : KEEPALIVED_DEFAULTS.checkInterval,
    logfile: has('logfile') ? logFile(r, [...path, 'logfile'], at('logfile'), farm) : KEEPALIVED_DEFAULTS.logfile,
  };
  if (Object.values(settings).some((v) => v === undefined)) return undefined;
  const ka = settings as KeepalivedSettings;
  const advert = [...path, 'advert_int'];
  if (ka.version === 2 && !Number.isInteger(ka.advertInt)) {
    r.reportField(
      advert,
      `${ka.advertInt} is not a whole number of seconds, which is all VRRPv2 can carry`,
      `1 to 255 with version 2; set version: 3 for an interval down to 0.01 s`,
    );
  } else if (ka.version === 3 && ka.advertInt > ADVERT_INT_BOUNDS[3].max) {
    r.reportField(
      advert,
      `${ka.advertInt} s is longer than VRRPv3 carries (12 bits of centiseconds: 40.95 s at most)`,
      '0.01 to 40.95 in steps of 0.01 with version 3, such as 0.1',
    );
  }
  return ka;
}

declare module '../../lib/lab/model.ts' {
  interface LabSections {
    keepalived: KeepalivedSettings;
  }
}
