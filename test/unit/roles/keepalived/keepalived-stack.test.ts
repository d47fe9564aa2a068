// The keepalived stack as the rest of hafarm sees it (lib/ha/ha-stack.ts): its section of the
// definition, its VRRP timings, its advertisements found in a capture, its log lines as rsyslog
// writes them, its secret, and the keepalived.conf each balancer gets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../../../helpers/definition-issues.ts';
import { keepalivedStack, masterDownSeconds } from '../../../../roles/keepalived/keepalived-stack.ts';
import {
  KEEPALIVED_AUTH_PASS,
  keepalivedConfigVars,
  vrrpPriority,
} from '../../../../roles/keepalived/keepalived-role.ts';
import { HA_STACKS, haStackOf, otherStacks } from '../../../../roles/components.ts';
import { heartbeatStack } from '../../../../roles/heartbeat/heartbeat-stack.ts';
import { parseLab } from '../../../../lib/farm/load-lab.ts';
import { findHost } from '../../../../lib/lab/model.ts';
import { definitionFacts } from '../../../../roles/render-lab.ts';
import { renderTemplate } from '../../../../lib/render/templates.ts';
import { shapeProblems } from '../../../../lib/state/state-json.ts';
import type { Packet } from '../../../../lib/packets/pcap.ts';

const TUTORIAL = readFileSync(new URL('../../../../lab.yaml', import.meta.url), 'utf8');
const withKeepalived = (section = '') => `${TUTORIAL}\nha:\n  stack: keepalived\n${section}`;
const lab = parseLab(withKeepalived(), '/labs/ka.yaml');
const fast = parseLab(withKeepalived('keepalived:\n  version: 3\n  advert_int: 0.1\n'), '/labs/fast.yaml');

/** A VRRP advertisement as keepalived sends it: IPv4 protocol 112 to 224.0.0.18, TTL 255. */
function advert(
  src: string,
  fields: {
    version?: 2 | 3;
    vrid?: number;
    priority?: number;
    interval?: number;
    addresses?: string[];
    ttl?: number;
    dst?: string;
  },
  time = 0,
): Packet {
  const {
    version = 2,
    vrid = 51,
    priority = 150,
    interval = 1,
    addresses = ['192.168.1.100'],
    ttl = 255,
    dst = '224.0.0.18',
  } = fields;
  const header = Buffer.alloc(8);
  header[0] = (version << 4) | 1;
  header[1] = vrid;
  header[2] = priority;
  header[3] = addresses.length;
  if (version === 2) {
    header[4] = 1;
    header[5] = interval;
  } else {
    header.writeUInt16BE(Math.round(interval * 100), 4);
  }
  const payload = Buffer.concat([
    header,
    ...addresses.map((a) => Buffer.from(a.split('.').map(Number))),
    Buffer.alloc(version === 2 ? 8 : 0),
  ]);
  return {
    time,
    srcMac: '00:00:5e:00:01:33',
    dstMac: '01:00:5e:00:00:12',
    ipv4: { src, dst, protocol: 112, ttl, payload },
  };
}

describe('ha.stack in the definition', () => {
  it("is Heartbeat, the tutorial's, when absent, and keepalived when it says so", () => {
    expect(HA_STACKS.map((s) => s.name)).toEqual(['heartbeat', 'keepalived']);
    expect(haStackOf(parseLab(TUTORIAL, '/labs/t.yaml'))).toBe(heartbeatStack);
    expect(haStackOf(lab)).toBe(keepalivedStack);
    expect(otherStacks(lab)).toEqual([heartbeatStack]);
  });

  it("gives keepalived's own defaults when the section is absent, and the section's values when present", () => {
    expect(lab.keepalived).toEqual({
      version: 2,
      virtualRouterId: 51,
      advertInt: 1,
      preempt: true,
      checkInterval: 1,
      logfile: '/var/log/keepalived.log',
    });
    expect(fast.keepalived).toMatchObject({ version: 3, advertInt: 0.1 });
    // the tutorial's heartbeat section is still read: switching back is one word
    expect(lab.heartbeat.deadtime).toBe(5);
  });

  it('refuses an unknown stack and bad keepalived values, naming the line, the field and what is allowed', () => {
    const unknown = withKeepalived().replace('stack: keepalived', 'stack: pacemaker');
    expect(issuesOf(unknown)).toMatchObject([
      { field: 'ha.stack', problem: '"pacemaker" is not known', allowed: 'heartbeat, keepalived' },
    ]);
    const text = withKeepalived(
      'keepalived:\n  advert_int: 0.5\n  virtual_router_id: 300\n  logfile: /etc/passwd\n  priority: 5\n',
    );
    const issues = issuesOf(text);
    expect(issues.map((i) => i.field).sort()).toEqual([
      'keepalived.logfile',
      'keepalived.priority',
      'keepalived.virtual_router_id',
    ]);
    expect(issues.find((i) => i.field === 'keepalived.virtual_router_id')).toMatchObject({
      line: text.split('\n').findIndex((l) => l.includes('virtual_router_id')) + 1,
      allowed: '1 to 255',
    });
    // VRRPv2 carries whole seconds only; VRRPv3 centiseconds up to 40.95 s
    expect(issuesOf(withKeepalived('keepalived:\n  advert_int: 0.5\n'))).toMatchObject([
      {
        field: 'keepalived.advert_int',
        allowed: '1 to 255 with version 2; set version: 3 for an interval down to 0.01 s',
      },
    ]);
    expect(issuesOf(withKeepalived('keepalived:\n  version: 3\n  advert_int: 0.125\n'))).toMatchObject([
      { field: 'keepalived.advert_int' },
    ]);
    expect(issuesOf(withKeepalived('keepalived:\n  version: 3\n  advert_int: 41\n'))).toMatchObject([
      { field: 'keepalived.advert_int' },
    ]);
    expect(issuesOf(withKeepalived('keepalived:\n  version: 4\n'))).toMatchObject([
      { field: 'keepalived.version', allowed: '2 to 3' },
    ]);
  });

  it('checks the section of the stack the lab does not run too', () => {
    const text = TUTORIAL.replace('  deadtime: 5', '  deadtime: 5\n') + 'keepalived:\n  advert_int: 0\n';
    expect(issuesOf(text)).toMatchObject([{ field: 'keepalived.advert_int' }]);
  });
});

describe('the keepalived stack', () => {
  it("times a takeover by the master-down interval: three advertisements and the backup's skew", () => {
    // VRRPv2: skew (256 - 100) / 256 of a second
    expect(masterDownSeconds(lab)).toBeCloseTo(3 + 156 / 256, 6);
    // VRRPv3: of an interval
    expect(masterDownSeconds(fast)).toBeCloseTo(0.3 + (156 / 256) * 0.1, 6);
    expect(keepalivedStack.detectionSeconds(fast)).toBeCloseTo(0.361, 3);
    expect(keepalivedStack.failsBack(lab)).toBe(true);
    expect(keepalivedStack.failsBack(parseLab(withKeepalived('keepalived:\n  preempt: false\n'), '/l.yaml'))).toBe(
      false,
    );
    expect(keepalivedStack.startupSeconds(lab)).toBe(Math.ceil(3 + masterDownSeconds(lab) + 2));
    expect(keepalivedStack.describe(fast)).toEqual({
      en: 'keepalived (VRRPv3, an advertisement every 0.1 s, preempt)',
      es: 'keepalived (VRRPv3, un anuncio cada 0.1 s, preempt)',
    });
    expect(keepalivedStack.describe(parseLab(withKeepalived('keepalived:\n  preempt: false\n'), '/l.yaml')).es).toBe(
      'keepalived (VRRPv2, un anuncio cada 1 s, nopreempt)',
    );
  });

  it("finds the advertisements of one member for the lab's router and VIP, and nothing else", () => {
    const said = keepalivedStack.announcements;
    expect(said.sentBy).toBe('the active member');
    expect(said.captureFilter(lab)).toBe('ip proto 112');
    expect(said.intervalSeconds(fast)).toBe(0.1);
    const mine = advert('10.100.100.1', {});
    const packets = [
      mine,
      advert('10.100.100.2', { priority: 100 }),
      advert('10.100.100.1', { vrid: 52 }),
      advert('10.100.100.1', { ttl: 64 }),
      advert('10.100.100.1', { dst: '10.100.100.2' }),
      advert('10.100.100.1', { addresses: ['192.168.1.99'] }),
      advert('10.100.100.1', { version: 3, interval: 0.1 }),
    ];
    expect(said.from(packets, findHost(lab, 'haproxy1'), lab)).toEqual([mine]);
    expect(said.from(packets, findHost(lab, 'haproxy2'), lab)).toEqual([packets[1]]);
    expect(said.from(packets, findHost(lab, 'haproxy1'), fast)).toEqual([packets[6]]);
    expect(said.from(packets, findHost(lab, 'web1'), lab)).toEqual([]);
    expect(said.describe(lab)).toEqual({
      en: 'VRRPv2 advertisements (IP protocol 112) to 224.0.0.18 for router 51',
      es: 'anuncios VRRPv2 (protocolo IP 112) a 224.0.0.18 del router virtual 51',
    });
  });

  it("proves a takeover and a release by keepalived's own lines, as rsyslog writes them", () => {
    const line = (text: string) => `2026-11-26T22:39:14.101234+00:00 haproxy2 Keepalived_vrrp[812]: ${text}`;
    const takeover = keepalivedStack.takeover(lab, 'haproxy1');
    const master = line('(VI_1) Entering MASTER STATE');
    const backup = line('(VI_1) Entering BACKUP STATE');
    const advertLine = line('(VI_1) Master received advert from 10.100.100.1 with higher priority 150, ours 100');
    expect([master, backup, advertLine].every((l) => new RegExp(takeover.pattern).test(l))).toBe(true);
    expect(new RegExp(takeover.pattern).test(line('Sending gratuitous ARP on eth1 for 192.168.1.100'))).toBe(false);
    expect(takeover.proves(master)).toBe(true);
    expect(takeover.proves(backup)).toBe(false);
    const release = keepalivedStack.release(lab, 'haproxy1');
    expect(release.proves(backup) && release.proves(advertLine)).toBe(true);
    expect(release.proves(master)).toBe(false);
    // what a FAIL says was looked for: the log line quoted as it is, the release in each language
    expect(takeover.expected).toEqual({ en: '"(VI_1) Entering MASTER STATE"', es: '"(VI_1) Entering MASTER STATE"' });
    expect(release.expected).toEqual({
      en: "the standby going back to BACKUP on the master's advertisement",
      es: 'la vuelta a BACKUP del balanceador de respaldo al recibir el anuncio del maestro',
    });
    expect(keepalivedStack.logFile(lab)).toBe('/var/log/keepalived.log');
  });

  it('declares an 8-character password that fits auth_pass unquoted', () => {
    const [pass] = keepalivedStack.secrets ?? [];
    expect(pass!.name).toBe(KEEPALIVED_AUTH_PASS);
    const value = pass!.generate();
    expect(value).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(shapeProblems({ [pass!.name]: value }, { [pass!.name]: pass!.check })).toEqual([]);
    expect(shapeProblems({ [pass!.name]: 'abc }\nx' }, { [pass!.name]: pass!.check })).toHaveLength(1);
  });
});

describe('keepalived.conf', () => {
  const secrets = { statsPassword: 'x', heartbeatAuthkey: 'a'.repeat(48), [KEEPALIVED_AUTH_PASS]: 'Ab3dE6gH' };
  const conf = (model: typeof lab, name: string) => {
    const host = findHost(model, name);
    return renderTemplate(
      'roles/keepalived/templates/keepalived.conf.njk',
      keepalivedConfigVars({ lab: model, host, facts: definitionFacts(model, host), secrets }),
    );
  };

  it('gives the master the higher priority and each backup one less than the one before', () => {
    const three = parseLab(
      withKeepalived().replace(
        '  - name: web1\n',
        '  - name: haproxy3\n    role: backup\n    lan: 192.168.1.110\n    heartbeat: 10.100.100.3\n  - name: web1\n',
      ),
      '/labs/three.yaml',
    );
    expect(['haproxy1', 'haproxy2', 'haproxy3'].map((n) => vrrpPriority(three, findHost(three, n)))).toEqual([
      150, 100, 99,
    ]);
  });

  it('runs VRRP on the heartbeat interface, holds the VIP on the LAN one and tracks HAProxy', () => {
    const text = conf(lab, 'haproxy1');
    expect(text).toContain(
      '  state MASTER\n  interface eth2\n  virtual_router_id 51\n  priority 150\n  advert_int 1\n',
    );
    expect(text).toContain('    192.168.1.100/24 dev eth1\n');
    expect(text).toContain('  vrrp_version 2\n');
    expect(text).toContain('    auth_type PASS\n    auth_pass Ab3dE6gH\n');
    expect(text).toMatch(
      /vrrp_script haproxy_running \{\n  script "\/etc\/keepalived\/haproxy-running"\n  interval 1\n  fall 2\n  rise 2\n  init_fail\n\}/,
    );
    expect(text).toContain('  track_script {\n    haproxy_running\n  }');
    expect(conf(lab, 'haproxy2')).toContain(
      '  state BACKUP\n  interface eth2\n  virtual_router_id 51\n  priority 100\n',
    );
  });

  it('has no authentication with VRRPv3 (RFC 5798 has none) and starts every member as BACKUP without preemption', () => {
    const text = conf(fast, 'haproxy1');
    expect(text).toContain('  vrrp_version 3\n');
    expect(text).toContain('  advert_int 0.1\n');
    expect(text).not.toContain('auth_pass');
    const calm = parseLab(withKeepalived('keepalived:\n  preempt: false\n'), '/labs/calm.yaml');
    expect(conf(calm, 'haproxy1')).toContain('  state BACKUP\n');
    expect(conf(calm, 'haproxy1')).toContain('  nopreempt\n');
  });
});
