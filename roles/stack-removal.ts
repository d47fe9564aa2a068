// The role that takes an HA stack off a balancer when the lab runs another one: its daemon
// stopped first (it lets the VIP go), the files hafarm wrote for it removed, then its packages
// purged with what only they needed. On a balancer that never ran the stack every task is ok.
// Its logs stay: they are the record of what it did. The tasks are part of T4, installing the
// lab's HA stack.
import { packages } from '../lib/engine/modules/packages.ts';
import { pathState } from '../lib/engine/modules/path-state.ts';
import { service } from '../lib/engine/modules/service.ts';
import type { Role } from './role-context.ts';

export interface StackFootprint {
  /** the stack's name, for the role's */
  stack: string;
  service: string;
  /** the daemon's program, where its SysV script cannot tell its status (lib/engine/modules/service.ts) */
  process?: string;
  /** the packages its role installs that nothing else of the farm needs */
  packages: string[];
  /** every file its role writes */
  files: string[];
}

export function stackRemoval(footprint: StackFootprint): Role {
  const tags = ['T4'];
  return {
    name: `remove-${footprint.stack}`,
    tasks: (ctx) => [
      service({
        name: `T4 ${footprint.service} stopped and disabled (the lab runs ${ctx.lab.ha.stack})`,
        service: footprint.service,
        ...(footprint.process ? { process: footprint.process } : {}),
        state: 'stopped',
        enabled: false,
        tags,
      }),
      ...footprint.files.map((path) => pathState({ name: `T4 ${path} removed`, path, state: 'absent', tags })),
      packages({
        name: `T4 ${footprint.packages.join(', ')} purged`,
        packages: footprint.packages,
        state: 'absent',
        purge: true,
        tags,
      }),
    ],
  };
}
