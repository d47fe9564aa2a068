// lab:render: every file the roles would put in place on each host, computed without a machine.
// Facts a running machine would give (interface names) come from the lab definition's declared
// interface names instead.
import { broadcast } from '../lib/lab/ipv4.ts';
import type { Host, Lab } from '../lib/lab/model.ts';
import type { Facts } from '../lib/engine/facts.ts';
import { FileStates } from '../lib/engine/modules/remote-file.ts';
import { RemoteReads } from '../lib/engine/modules/remote-reads.ts';
import type { Remote } from '../lib/engine/remote.ts';
import { rolesFor } from '../lib/engine/role.ts';
import { newHostRunState, type ManagedFile, type TaskContext } from '../lib/engine/task.ts';
import type { LabSecrets } from '../lib/state/secret-spec.ts';
import { inventoryHost } from './lab-inventory.ts';
import { roleContexts, type Play } from './role-context.ts';

export interface RenderedFile extends ManagedFile {
  /** the tutorial step that puts it in place, e.g. T5 */
  step: string;
  role: string;
}

/** The facts a freshly wired machine of this lab would report. */
export function definitionFacts(lab: Lab, host: Host): Facts {
  const { lan, heartbeat } = lab.networks;
  const interfaces = [
    {
      name: lan.interface,
      mac: '',
      addresses: [{ address: host.lan, prefix: lan.cidr.prefix, broadcast: broadcast(lan.cidr) }],
    },
  ];
  if (host.heartbeat)
    interfaces.push({
      name: heartbeat.interface,
      mac: '',
      addresses: [{ address: host.heartbeat, prefix: heartbeat.cidr.prefix, broadcast: broadcast(heartbeat.cidr) }],
    });
  return {
    os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    init: 'systemd',
    hostname: host.name,
    interfaces,
    packages: new Map(),
  };
}

const NO_MACHINE: Remote = {
  host: 'render',
  exec: () => Promise.reject(new Error('lab:render has no machine to run commands on')),
  stage: () => Promise.reject(new Error('lab:render has no machine to write to')),
};

export function renderHost(lab: Lab, host: Host, playbook: readonly Play[], secrets: LabSecrets): RenderedFile[] {
  const facts = definitionFacts(lab, host);
  const inventory = inventoryHost(host);
  const roleCtx = roleContexts(lab, secrets)(inventory, facts);
  const taskCtx: TaskContext = {
    remote: { ...NO_MACHINE, host: host.name },
    facts,
    check: true,
    diff: false,
    run: newHostRunState(),
    files: new FileStates(NO_MACHINE),
    reads: new RemoteReads(NO_MACHINE),
  };
  return rolesFor(playbook, inventory).flatMap((role) =>
    role.tasks(roleCtx).flatMap((task) =>
      (task.render?.(taskCtx) ?? []).map((file) => ({
        ...file,
        step: task.tags?.find((tag) => /^T\d+$/.test(tag)) ?? '',
        role: role.name,
      })),
    ),
  );
}
