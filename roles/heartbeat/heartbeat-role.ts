// T4–T7 and T11: Heartbeat on the balancers, broadcasting on the heartbeat interface (found by its
// address), the VIP as its one resource, restarted once when any of its files changes. Its log
// files are checked on the machine first: Heartbeat logs nothing, and says nothing, into a
// directory or through a symbolic link.
import { basename } from 'node:path';
import { file } from '../../lib/engine/modules/file.ts';
import { packages } from '../../lib/engine/modules/packages.ts';
import { service } from '../../lib/engine/modules/service.ts';
import { template } from '../../lib/render/template-task.ts';
import { logFileCheck } from '../ha-stack.ts';
import { type Role, heartbeatInterface, lanInterface } from '../role-context.ts';
import { balancers, masterBalancer } from '../../lib/lab/model.ts';
import { renderTemplate } from '../../lib/render/templates.ts';
import { secretValue } from '../../lib/state/secret-spec.ts';

const RESTART = 'restart heartbeat';

/** The name of the authkeys secret in the lab's secrets. */
export const HEARTBEAT_AUTHKEY = 'heartbeatAuthkey';

/** The files the role writes, which its removal takes away again. */
export const HEARTBEAT_FILES = ['/etc/ha.d/ha.cf', '/etc/ha.d/authkeys', '/etc/ha.d/haresources'];

/** net-tools: Heartbeat's IPaddr resource agent calls ifconfig. */
export const HEARTBEAT_PACKAGES = ['heartbeat', 'net-tools'];

export const heartbeatRole: Role = {
  name: 'heartbeat',
  tasks: (ctx) => [
    ...(['logfile', 'debugfile'] as const).map((key) =>
      logFileCheck({
        name: `T5 heartbeat.${key} ${ctx.lab.heartbeat[key]}: a file, not a directory or a symbolic link`,
        field: `heartbeat.${key}`,
        path: ctx.lab.heartbeat[key],
        daemon: 'Heartbeat',
        tags: ['T5'],
      }),
    ),
    packages({ name: 'T4 install heartbeat', packages: HEARTBEAT_PACKAGES, tags: ['T4'] }),
    template({
      name: 'T5 /etc/ha.d/ha.cf',
      path: '/etc/ha.d/ha.cf',
      src: 'roles/heartbeat/templates/ha.cf.njk',
      vars: {
        source: basename(ctx.lab.file),
        hb: ctx.lab.heartbeat,
        ifaces: ctx.lab.ha.paths.map((path) => (path === 'lan' ? lanInterface(ctx) : heartbeatInterface(ctx))),
        nodes: balancers(ctx.lab).map((h) => h.name),
      },
      notify: [RESTART],
      tags: ['T5'],
    }),
    file({
      name: 'T6 /etc/ha.d/authkeys (sha1, per-lab secret)',
      path: '/etc/ha.d/authkeys',
      content: renderTemplate('roles/heartbeat/templates/authkeys.njk', {
        key: secretValue(ctx.secrets, HEARTBEAT_AUTHKEY),
      }),
      mode: '0600',
      secret: true,
      notify: [RESTART],
      tags: ['T6'],
    }),
    template({
      name: 'T7 /etc/ha.d/haresources',
      path: '/etc/ha.d/haresources',
      src: 'roles/heartbeat/templates/haresources.njk',
      vars: {
        master: masterBalancer(ctx.lab).name,
        vip: ctx.lab.vip.address,
        prefix: ctx.lab.networks.lan.cidr.prefix,
        iface: lanInterface(ctx),
      },
      notify: [RESTART],
      tags: ['T7'],
    }),
    service({
      name: 'T11 heartbeat running and enabled',
      service: 'heartbeat',
      state: 'started',
      enabled: true,
      tags: ['T11'],
    }),
  ],
  handlers: () => [service({ name: RESTART, service: 'heartbeat', state: 'restarted' })],
};
