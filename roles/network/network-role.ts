// T3: the static addresses of the T1 table, as the tutorial writes them in
// /etc/network/interfaces. The namespace provider wires them when it plugs a machine in; on the
// Vagrant boxes (auto_config false, so a `vagrant up` never flushes them) this role writes an
// ifupdown stanza and brings the interface up. Either way it verifies them, with the broadcast
// address Heartbeat's bcast needs, and changes nothing once they are right.
import { basename } from 'node:path';
import { broadcast } from '../../lib/lab/ipv4.ts';
import type { Cidr } from '../../lib/lab/ipv4.ts';
import { interfaceHolding } from '../../lib/engine/facts.ts';
import { ensureFile, renderFile } from '../../lib/engine/modules/file.ts';
import { type Role, type RoleContext, heartbeatInterface, lanInterface } from '../role-context.ts';
import { command } from '../../lib/engine/ssh/shell-quote.ts';
import { changed, failed, ok, type Task, type TaskContext } from '../../lib/engine/task.ts';
import { renderTemplate } from '../../lib/render/templates.ts';

interface Wanted {
  network: 'lan' | 'heartbeat';
  address: string;
  cidr: Cidr;
  iface: string;
}

function stanzaPath(iface: string): string {
  return `/etc/network/interfaces.d/60-hafarm-${iface}`;
}

function stanza(ctx: RoleContext, wanted: Wanted): string {
  return renderTemplate('roles/network/templates/interface.njk', {
    source: basename(ctx.lab.file),
    network: wanted.network,
    iface: wanted.iface,
    address: wanted.address,
    prefix: wanted.cidr.prefix,
    broadcast: broadcast(wanted.cidr),
  });
}

function staticAddress(role: RoleContext, wanted: Wanted): Task {
  const name = `T3 ${wanted.network} address ${wanted.address}/${wanted.cidr.prefix} on ${wanted.iface}`;
  const file = { path: stanzaPath(wanted.iface), content: () => stanza(role, wanted), mode: '0644' };
  return {
    name,
    tags: ['T3'],
    render: (ctx) => [renderFile(ctx, file)],
    async run(ctx: TaskContext) {
      const held = interfaceHolding(ctx.facts, wanted.address);
      const entry = held?.addresses.find((a) => a.address === wanted.address);
      if (held && entry) {
        if (entry.prefix !== wanted.cidr.prefix)
          return failed(
            `${wanted.address} is on ${held.name} with prefix /${entry.prefix}, not /${wanted.cidr.prefix}`,
          );
        if (entry.broadcast !== broadcast(wanted.cidr)) {
          return failed(
            `${wanted.address} on ${held.name} has broadcast ${entry.broadcast ?? 'none'}, not ${broadcast(wanted.cidr)}: Heartbeat's bcast would send nothing`,
          );
        }
        return ok(`already on ${held.name}`);
      }
      const hasIfupdown = await ctx.remote.exec('[ -d /etc/network/interfaces.d ] && command -v ifup');
      if (hasIfupdown.code !== 0)
        return failed(`${wanted.address} is on no interface and this machine has no ifupdown to configure it`);
      const written = await ensureFile(ctx, file);
      if (written.status === 'failed' || ctx.check)
        return written.status === 'ok' ? changed(`would bring ${wanted.iface} up`) : written;
      const up = await ctx.remote.exec(
        `${command('ifdown', '--force', wanted.iface)} >/dev/null 2>&1; ${command('ifup', wanted.iface)}`,
      );
      if (up.code !== 0) return failed(`ifup ${wanted.iface} failed: ${(up.stderr || up.stdout).trim()}`);
      return changed(`configured ${wanted.address}/${wanted.cidr.prefix} on ${wanted.iface}`, written.diff);
    },
  };
}

export const networkRole: Role = {
  name: 'network',
  tasks(ctx) {
    const { lan, heartbeat } = ctx.lab.networks;
    const tasks = [
      staticAddress(ctx, { network: 'lan', address: ctx.host.lan, cidr: lan.cidr, iface: lanInterface(ctx) }),
    ];
    if (ctx.host.heartbeat)
      tasks.push(
        staticAddress(ctx, {
          network: 'heartbeat',
          address: ctx.host.heartbeat,
          cidr: heartbeat.cidr,
          iface: heartbeatInterface(ctx),
        }),
      );
    return tasks;
  },
};
