// The tutorial's steps done with keepalived instead of Heartbeat: T4 installs it (with rsyslog,
// which keeps its lines in a file of their own), T5–T7 are one keepalived.conf (members, secret
// and the VIP as a VRRP instance), T11 starts it. A changed file reloads or restarts what reads it.
// Its log file is checked on the machine first: rsyslog writes nothing into a directory, and a
// symbolic link would have it write elsewhere.
import { basename } from 'node:path';
import { packages } from '../../lib/engine/modules/packages.ts';
import { service } from '../../lib/engine/modules/service.ts';
import { template } from '../../lib/render/template-task.ts';
import { logFileCheck } from '../ha-stack.ts';
import { type Role, type RoleContext, heartbeatInterface, lanInterface } from '../role-context.ts';
import { balancers, type Host, type Lab } from '../../lib/lab/model.ts';
import { secretValue } from '../../lib/state/secret-spec.ts';

// keepalived re-reads its configuration on SIGHUP (keepalived(8)): a reload keeps a VIP that
// stays where it is, and Debian's SysV restart races the old daemon's exit.
const RELOAD = 'reload keepalived';
const RESTART_SYSLOG = 'restart rsyslog';

/** The name of the VRRPv2 password in the lab's secrets. */
export const KEEPALIVED_AUTH_PASS = 'keepalivedAuthPass';

/** rsyslog: keepalived logs only through syslog, and neither box nor namespace machine has a syslog daemon. */
export const KEEPALIVED_PACKAGES = ['keepalived', 'rsyslog'];

export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';
/** The check that HAProxy runs: in a folder only root writes, as enable_script_security wants. */
export const HAPROXY_CHECK_SCRIPT = '/etc/keepalived/haproxy-running';
export const KEEPALIVED_SYSLOG_RULE = '/etc/rsyslog.d/hafarm-keepalived.conf';

/** The VRRP instance's name in keepalived.conf and in its log lines: "(VI_1) Entering MASTER STATE". */
export const VRRP_INSTANCE = 'VI_1';

/** The master's priority; the backups follow, in the definition's order, from BACKUP_PRIORITY down. */
export const MASTER_PRIORITY = 150;
export const BACKUP_PRIORITY = 100;

/** A member's VRRP priority: the master highest, then each backup one lower than the one before. */
export function vrrpPriority(lab: Lab, host: Host): number {
  if (host.role === 'master') return MASTER_PRIORITY;
  const backups = balancers(lab).filter((h) => h.role === 'backup');
  return BACKUP_PRIORITY - backups.findIndex((h) => h.name === host.name);
}

/** What keepalived.conf.njk is rendered with. */
export function keepalivedConfigVars(ctx: RoleContext) {
  const { lab, host } = ctx;
  const ka = lab.keepalived;
  return {
    source: basename(lab.file),
    host: host.name,
    version: ka.version,
    checkInterval: ka.checkInterval,
    checkScript: HAPROXY_CHECK_SCRIPT,
    instance: VRRP_INSTANCE,
    // nopreempt works only when every member starts as BACKUP (keepalived.conf(5))
    state: host.role === 'master' && ka.preempt ? 'MASTER' : 'BACKUP',
    hbIface: heartbeatInterface(ctx),
    lanIface: lanInterface(ctx),
    vrid: ka.virtualRouterId,
    priority: vrrpPriority(lab, host),
    advertInt: String(ka.advertInt),
    preempt: ka.preempt,
    authPass: secretValue(ctx.secrets, KEEPALIVED_AUTH_PASS),
    vip: lab.vip.address,
    prefix: lab.networks.lan.cidr.prefix,
  };
}

export const keepalivedRole: Role = {
  name: 'keepalived',
  tasks: (ctx) => [
    logFileCheck({
      name: `T4 keepalived.logfile ${ctx.lab.keepalived.logfile}: a file, not a directory or a symbolic link`,
      field: 'keepalived.logfile',
      path: ctx.lab.keepalived.logfile,
      daemon: 'keepalived (through rsyslog)',
      tags: ['T4'],
    }),
    packages({ name: 'T4 install keepalived and rsyslog', packages: KEEPALIVED_PACKAGES, tags: ['T4'] }),
    template({
      name: `T4 ${KEEPALIVED_SYSLOG_RULE} (keepalived's lines in ${ctx.lab.keepalived.logfile})`,
      path: KEEPALIVED_SYSLOG_RULE,
      src: 'roles/keepalived/templates/rsyslog-keepalived.conf.njk',
      vars: { source: basename(ctx.lab.file), logfile: ctx.lab.keepalived.logfile },
      notify: [RESTART_SYSLOG],
      tags: ['T4'],
    }),
    // Before keepalived, so that its first lines are kept.
    service({
      name: 'T4 rsyslog running and enabled',
      service: 'rsyslog',
      state: 'started',
      enabled: true,
      tags: ['T4'],
    }),
    template({
      name: `T5 ${HAPROXY_CHECK_SCRIPT} (exit 0 while HAProxy runs)`,
      path: HAPROXY_CHECK_SCRIPT,
      src: 'roles/keepalived/templates/haproxy-running.njk',
      vars: {},
      mode: '0755',
      tags: ['T5'],
    }),
    template({
      name: `T5 ${KEEPALIVED_CONF} (VRRP instance, VIP, HAProxy check, per-lab secret)`,
      path: KEEPALIVED_CONF,
      src: 'roles/keepalived/templates/keepalived.conf.njk',
      vars: keepalivedConfigVars(ctx),
      mode: '0600',
      validate: 'keepalived -t -f %s',
      redact: [secretValue(ctx.secrets, KEEPALIVED_AUTH_PASS)],
      notify: [RELOAD],
      tags: ['T5'],
    }),
    service({
      name: 'T11 keepalived running and enabled',
      service: 'keepalived',
      process: 'keepalived',
      state: 'started',
      enabled: true,
      tags: ['T11'],
    }),
  ],
  handlers: () => [
    service({ name: RESTART_SYSLOG, service: 'rsyslog', state: 'restarted' }),
    service({ name: RELOAD, service: 'keepalived', process: 'keepalived', state: 'reloaded' }),
  ],
};
