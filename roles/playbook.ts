// The tutorial's order: network and hosts everywhere (T2, T3), then the lab's HA stack and
// HAProxy on the balancers (T4–T9, T11; the stack's role is the stack's own, lib/ha/), then nginx
// on the web servers (T10); last, the tools lab:verify and lab:capture run inside the machines.
// Any other HA stack comes off every balancer before the lab's own starts on any: two stacks
// would both claim the VIP.
import { haStackOf, otherStacks } from '../lib/ha/stacks.ts';
import type { Lab } from '../lib/lab/model.ts';
import type { Play } from './role-context.ts';
import { haproxyRole } from './haproxy.ts';
import { hostsRole } from './hosts.ts';
import { networkRole } from './network.ts';
import { nginxRole } from './nginx.ts';
import { toolsRole } from './tools.ts';

export function farmPlaybook(lab: Lab): Play[] {
  return [
    { hosts: 'all', roles: [networkRole, hostsRole] },
    { hosts: 'balancers', roles: otherStacks(lab).map((stack) => stack.removal) },
    { hosts: 'balancers', roles: [haStackOf(lab).role, haproxyRole] },
    { hosts: 'web', roles: [nginxRole] },
    { hosts: 'all', roles: [toolsRole] },
  ];
}
