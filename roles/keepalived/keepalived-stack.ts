// keepalived: VRRP between the balancers on the heartbeat network, the VIP on the LAN with the
// member of highest priority whose HAProxy runs. The master's advertisements are the only ones
// on the wire while it is master (a VRRP backup keeps quiet); a standby that hears none for the
// master-down interval takes over and announces the VIP by gratuitous ARP.
import { randomInt } from 'node:crypto';
import { text } from '../../lib/state/state-json.ts';
import type { Lab } from '../../lib/lab/model.ts';
import type { HaStack } from '../ha-stack.ts';
import { stackRemoval } from '../stack-removal.ts';
import {
  BACKUP_PRIORITY,
  HAPROXY_CHECK_SCRIPT,
  KEEPALIVED_AUTH_PASS,
  KEEPALIVED_CONF,
  KEEPALIVED_PACKAGES,
  KEEPALIVED_SYSLOG_RULE,
  VRRP_INSTANCE,
  keepalivedRole,
} from './keepalived-role.ts';
import { keepalivedValidator } from './keepalived-config-check.ts';
import { KEEPALIVED_DEFAULTS, readKeepalivedSettings } from './keepalived-section.ts';
import { VRRP_GROUP, vrrpAdvertsFrom } from './vrrp-packets.ts';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** How many checks HAProxy must pass before a member counts as able to serve (rise in keepalived.conf). */
const CHECK_RISE = 2;

/**
 * The master-down interval of the first backup: three advertisement intervals plus its skew,
 * (256 − priority)/256 of a second in VRRPv2 and of an interval in VRRPv3 (RFC 3768 6.1, RFC 5798 6.1).
 */
export function masterDownSeconds(lab: Lab): number {
  const { version, advertInt } = lab.keepalived;
  const skew = ((256 - BACKUP_PRIORITY) / 256) * (version === 3 ? advertInt : 1);
  return 3 * advertInt + skew;
}

const seconds = (s: number) => `${Number(s.toFixed(3))} s`;

export const keepalivedStack: HaStack = {
  kind: 'ha-stack',
  name: 'keepalived',
  title: 'keepalived',
  steps: ['T4', 'T5', 'T11'],
  hosts: 'balancers',
  section: {
    key: 'keepalived',
    read: readKeepalivedSettings,
    defaults: KEEPALIVED_DEFAULTS,
    // VRRP elects among any number of members by priority: nothing to refuse there. A second
    // path is another matter: keepalived 2.2.7 (Debian 12) sends an instance's advertisements on
    // its one `interface` (unicast peers on the LAN too still left through it), and an instance
    // without `interface` is refused ("Unknown interface!", fixed in 2.2.8): tried in namespaces.
    checkLab(r, lab) {
      if (lab.ha.stack !== 'keepalived') return;
      if (lab.ha.paths.includes('lan')) {
        r.reportField(
          ['ha', 'paths'],
          "a second path for keepalived: Debian 12's keepalived 2.2.7 sends a VRRP instance's advertisements on one interface only, so the LAN would carry none of them",
          '[heartbeat] with ha.stack: keepalived; [heartbeat, lan] with ha.stack: heartbeat',
        );
      }
    },
  },
  describe: (lab) => {
    const { version, advertInt, preempt } = lab.keepalived;
    // preempt and nopreempt are keepalived.conf's own words
    const mode = preempt ? 'preempt' : 'nopreempt';
    return {
      en: `keepalived (VRRPv${version}, an advertisement every ${seconds(advertInt)}, ${mode})`,
      es: `keepalived (VRRPv${version}, un anuncio cada ${seconds(advertInt)}, ${mode})`,
    };
  },
  role: keepalivedRole,
  // rsyslog stays: it is the balancer's syslog daemon, not keepalived's.
  removal: stackRemoval({
    stack: 'keepalived',
    service: 'keepalived',
    process: 'keepalived',
    packages: ['keepalived'],
    files: [KEEPALIVED_CONF, HAPROXY_CHECK_SCRIPT, KEEPALIVED_SYSLOG_RULE],
  }),
  service: 'keepalived',
  packages: KEEPALIVED_PACKAGES,
  secrets: [
    {
      name: KEEPALIVED_AUTH_PASS,
      // auth_pass holds 8 characters; letters and digits need no quoting in keepalived.conf
      generate: () => Array.from({ length: 8 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join(''),
      check: text(/^[A-Za-z0-9]{8}$/, '8 letters and digits', { secret: true }),
      describe: 'keepalived VRRPv2 password (auth_pass in /etc/keepalived/keepalived.conf; VRRPv3 has none)',
    },
  ],
  validator: keepalivedValidator,
  failsBack: (lab) => lab.keepalived.preempt,
  // HAProxy seen running CHECK_RISE times, then a master-down interval with no master, then a
  // second or so for the gratuitous ARPs and a slow start.
  startupSeconds: (lab) => Math.ceil((CHECK_RISE + 1) * lab.keepalived.checkInterval + masterDownSeconds(lab) + 2),
  startupReason: (lab) =>
    `keepalived claims the VIP once HAProxy passed ${CHECK_RISE} checks ${lab.keepalived.checkInterval} s apart and no master spoke for ${seconds(masterDownSeconds(lab))}`,
  detectionSeconds: masterDownSeconds,
  logFile: (lab) => lab.keepalived.logfile,
  takeover: () => ({
    pattern: `\\(${VRRP_INSTANCE}\\) (Entering [A-Z]+ STATE|Receive advertisement timeout|Master received advert)`,
    proves: (line) => line.includes(`(${VRRP_INSTANCE}) Entering MASTER STATE`),
    // a line of keepalived's log, quoted as it is
    expected: { en: `"(${VRRP_INSTANCE}) Entering MASTER STATE"`, es: `"(${VRRP_INSTANCE}) Entering MASTER STATE"` },
  }),
  release: () => ({
    pattern: `\\(${VRRP_INSTANCE}\\) (Entering BACKUP STATE|Master received advert)`,
    proves: (line) =>
      line.includes(`(${VRRP_INSTANCE}) Entering BACKUP STATE`) ||
      /Master received advert .* with higher priority/.test(line),
    expected: {
      en: "the standby going back to BACKUP on the master's advertisement",
      es: 'la vuelta a BACKUP del balanceador de respaldo al recibir el anuncio del maestro',
    },
  }),
  peerEvents: () => `\\(${VRRP_INSTANCE}\\) (Entering [A-Z]+ STATE|Receive advertisement timeout|.*[Rr]eceived advert)`,
  announcements: {
    network: 'heartbeat',
    captureFilter: () => 'ip proto 112',
    from: (packets, member, lab) =>
      member.heartbeat
        ? vrrpAdvertsFrom(packets, member.heartbeat, lab.keepalived.virtualRouterId)
            .filter(
              ({ advert }) => advert.version === lab.keepalived.version && advert.addresses.includes(lab.vip.address),
            )
            .map(({ packet }) => packet)
        : [],
    sentBy: 'the active member',
    intervalSeconds: (lab) => lab.keepalived.advertInt,
    describe: (lab) => {
      const { version, virtualRouterId } = lab.keepalived;
      return {
        en: `VRRPv${version} advertisements (IP protocol 112) to ${VRRP_GROUP} for router ${virtualRouterId}`,
        es: `anuncios VRRPv${version} (protocolo IP 112) a ${VRRP_GROUP} del router virtual ${virtualRouterId}`,
      };
    },
  },
};
