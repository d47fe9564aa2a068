// The tutorial's HA stack: Heartbeat 3 in its v1 (haresources) mode, the VIP its one resource
// on the master, status packets broadcast on the heartbeat network (T4–T7, T11).
import { randomBytes } from 'node:crypto';
import { broadcast } from '../../lib/lab/ipv4.ts';
import { text } from '../../lib/state/state-json.ts';
import { balancers } from '../../lib/lab/model.ts';
import type { HaStack } from '../ha-stack.ts';
import { stackRemoval } from '../stack-removal.ts';
import { heartbeatMembers } from './heartbeat-members.ts';
import { heartbeatImport } from './heartbeat-import.ts';
import { heartbeatMistakes } from './heartbeat-mistakes.ts';
import { heartbeatsFrom } from './heartbeat-packets.ts';
import { HEARTBEAT_AUTHKEY, HEARTBEAT_FILES, HEARTBEAT_PACKAGES, heartbeatRole } from './heartbeat-role.ts';
import { HEARTBEAT_DEFAULTS, readHeartbeatSettings } from './heartbeat-section.ts';

export const heartbeatStack: HaStack = {
  kind: 'ha-stack',
  name: 'heartbeat',
  title: 'Heartbeat',
  steps: ['T4', 'T5', 'T6', 'T7', 'T11'],
  hosts: 'balancers',
  section: {
    key: 'heartbeat',
    read: readHeartbeatSettings,
    defaults: HEARTBEAT_DEFAULTS,
    // Heartbeat's haresources mode (R1) is a two-node protocol: its mach_down script "will only
    // work for a two machine setup", and its resource code tracks one "other" node. With three,
    // every backup takes the VIP when the master dies (tried on the namespace provider: lb2 and
    // lb3 both held it, each logging "ERROR: Both machines own our resources!").
    checkLab(r, lab) {
      if (lab.ha.stack !== 'heartbeat') return;
      const backups = lab.hosts.flatMap((h, i) => (h.role === 'backup' ? [i] : []));
      for (const i of backups.slice(1)) {
        r.reportField(
          ['hosts', i, 'role'],
          `a second backup (hosts[${backups[0]}] is already backup): with Heartbeat's haresources, every backup takes the VIP when the master dies, so two balancers would hold it at once`,
          'one master and one backup with ha.stack: heartbeat; keepalived (ha.stack: keepalived) runs more backups',
        );
      }
    },
  },
  describe: (lab) => {
    const nodes = balancers(lab).length;
    return {
      en: `Heartbeat (haresources; a keepalive every ${lab.heartbeat.keepalive} s, deadtime ${lab.heartbeat.deadtime} s, ${nodes} nodes)`,
      es: `Heartbeat (haresources; un keepalive cada ${lab.heartbeat.keepalive} s, deadtime ${lab.heartbeat.deadtime} s, ${nodes} ${nodes === 1 ? 'nodo' : 'nodos'})`,
    };
  },
  role: heartbeatRole,
  removal: stackRemoval({ stack: 'heartbeat', service: 'heartbeat', packages: ['heartbeat'], files: HEARTBEAT_FILES }),
  service: 'heartbeat',
  packages: HEARTBEAT_PACKAGES,
  secrets: [
    {
      name: HEARTBEAT_AUTHKEY,
      generate: () => randomBytes(24).toString('hex'),
      // it goes into authkeys as it is: a space or a line break would add directives
      check: text(/^[0-9a-f]{48}$/, '48 lowercase hexadecimal digits', { secret: true }),
      describe: 'heartbeat key (sha1, /etc/ha.d/authkeys)',
    },
  ],
  failsBack: (lab) => lab.heartbeat.autoFailback,
  // Both balancers wait initdead for each other after a start, the master a deadtime more to be
  // sure of its peer, then a keepalive or two until the VIP is up.
  startupSeconds: (lab) => lab.heartbeat.initdead + lab.heartbeat.deadtime + 2 * lab.heartbeat.keepalive,
  startupReason: (lab) => `Heartbeat waits initdead ${lab.heartbeat.initdead} s for its peer after a start`,
  // The standby declares the master dead after deadtime without a packet from it.
  detectionSeconds: (lab) => lab.heartbeat.deadtime,
  logFile: (lab) => lab.heartbeat.logfile,
  takeover: (_lab, master) => ({
    pattern: `node ${master}: is dead|Taking over resource`,
    proves: (line) => line.includes(`node ${master}: is dead`),
    // a line of Heartbeat's log, quoted as it is
    expected: { en: `"${master}: is dead"`, es: `"${master}: is dead"` },
  }),
  release: () => ({
    pattern: 'foreign resources|standby',
    proves: (line) => /foreign resources|standby/.test(line),
    expected: {
      en: 'the standby giving the foreign resources back',
      es: 'la devolución de los recursos ajenos (foreign) por el balanceador de respaldo',
    },
  }),
  peerEvents: () =>
    'Link [^ ]+ dead|is dead|returning after partition|Late heartbeat|Taking over resource|foreign resources|Giving up all HA resources|Heartbeat restart|Initial resource acquisition',
  announcements: {
    network: 'heartbeat',
    captureFilter: (lab) => `udp port ${lab.heartbeat.udpport}`,
    from: (packets, member, lab) =>
      member.heartbeat
        ? heartbeatsFrom(packets, member.heartbeat, broadcast(lab.networks.heartbeat.cidr), lab.heartbeat.udpport)
        : [],
    sentBy: 'every member',
    intervalSeconds: (lab) => lab.heartbeat.keepalive,
    describe: (lab) => {
      const to = `${broadcast(lab.networks.heartbeat.cidr)}:${lab.heartbeat.udpport}`;
      return { en: `UDP broadcasts to ${to}`, es: `difusiones UDP a ${to}` };
    },
  },
  members: heartbeatMembers,
  mistakes: heartbeatMistakes,
  imports: heartbeatImport,
};
