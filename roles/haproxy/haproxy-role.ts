// T8 and T9: HAProxy on the balancers, listening on the VIP (nonlocal bind, so that the backup
// runs too while it does not hold the VIP), one server per web host, validated before use.
import { basename } from 'node:path';
import { lineInFile } from '../../lib/engine/modules/edit-file.ts';
import { packages } from '../../lib/engine/modules/packages.ts';
import { service } from '../../lib/engine/modules/service.ts';
import { sysctl } from '../../lib/engine/modules/sysctl.ts';
import { template } from '../../lib/render/template-task.ts';
import type { Role } from '../role-context.ts';
import { HAPROXY_CHECK_DEFAULTS } from './health-check.ts';
import { haproxyTimeMs } from './haproxy-time.ts';
import { webServers, type Lab } from '../../lib/lab/model.ts';
import type { HealthCheckSettings } from './haproxy-settings.ts';

const RELOAD = 'reload haproxy';
export const HAPROXY_PACKAGES = ['haproxy'];
/** Debian's nginx default site listens on port 80. */
const WEB_PORT = 80;

/** A, B, … Z, AA, AB, …: the tutorial's cookie values, for any number of web servers. */
export function cookieLabel(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26 ? letter : `${cookieLabel(Math.floor(index / 26) - 1)}${letter}`;
}

export function backendServers(lab: Lab) {
  return webServers(lab).map((h, i) => ({ name: h.name, address: h.lan, port: WEB_PORT, cookie: cookieLabel(i) }));
}

/**
 * `check` and its settings on each server line: only those that differ from HAProxy's own, so
 * that the tutorial's bare `check` (T8) stays as it was, and any other value is written out.
 */
export function healthCheckWords(check: HealthCheckSettings): string[] {
  const words = ['check'];
  if (haproxyTimeMs(check.inter) !== haproxyTimeMs(HAPROXY_CHECK_DEFAULTS.inter)) words.push('inter', check.inter);
  if (check.fall !== HAPROXY_CHECK_DEFAULTS.fall) words.push('fall', String(check.fall));
  if (check.rise !== HAPROXY_CHECK_DEFAULTS.rise) words.push('rise', String(check.rise));
  return words;
}

/** What templates/haproxy.cfg.njk is rendered with, here and by the host's haproxy -c check. */
export function haproxyConfigVars(lab: Lab, password: string) {
  return {
    source: basename(lab.file),
    hap: lab.haproxy,
    vip: lab.vip.address,
    password,
    servers: backendServers(lab),
    checkWords: healthCheckWords(lab.haproxy.check),
  };
}

export const haproxyRole: Role = {
  name: 'haproxy',
  tasks: (ctx) => [
    packages({ name: 'T8 install haproxy', packages: HAPROXY_PACKAGES, tags: ['T8'] }),
    sysctl({
      name: 'T8 net.ipv4.ip_nonlocal_bind=1 (bind the VIP without holding it)',
      key: 'net.ipv4.ip_nonlocal_bind',
      value: '1',
      tags: ['T8'],
    }),
    template({
      name: 'T8 /etc/haproxy/haproxy.cfg',
      path: '/etc/haproxy/haproxy.cfg',
      src: 'roles/haproxy/templates/haproxy.cfg.njk',
      vars: haproxyConfigVars(ctx.lab, ctx.secrets.statsPassword),
      mode: '0640',
      group: 'haproxy',
      validate: 'haproxy -c -q -f %s',
      redact: [ctx.secrets.statsPassword],
      notify: [RELOAD],
      tags: ['T8'],
    }),
    lineInFile({
      name: 'T9 ENABLED=1 in /etc/default/haproxy (where it is still read)',
      path: '/etc/default/haproxy',
      line: 'ENABLED=1',
      regexp: /^\s*ENABLED=/,
      onlyIfPresent: true,
      tags: ['T9'],
    }),
    service({
      name: 'T9 haproxy running and enabled',
      service: 'haproxy',
      state: 'started',
      enabled: true,
      tags: ['T9'],
    }),
  ],
  handlers: () => [service({ name: RELOAD, service: 'haproxy', state: 'reloaded' })],
};
