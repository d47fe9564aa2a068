// The plays, from the list of components in the tutorial's order: network and hosts everywhere
// (T2, T3), then the lab's HA stack and HAProxy on the balancers (T4–T9, T11), then nginx on the
// web servers (T10); last, the tools lab:verify and lab:capture run inside the machines.
// Consecutive components on the same machines share a play. Any other HA stack comes off every
// balancer, in a play of its own, before the lab's own starts on any: two stacks would both
// claim the VIP.
import type { Lab } from '../lib/lab/model.ts';
import { COMPONENTS, otherStacks } from './components.ts';
import { isHaStack } from './ha-stack.ts';
import type { Play } from './role-context.ts';

export function farmPlaybook(lab: Lab): Play[] {
  const plays: Play[] = [];
  let open: Play | undefined;
  for (const component of COMPONENTS) {
    if (isHaStack(component)) {
      if (component.name !== lab.ha.stack) continue;
      const removals = otherStacks(lab).map((stack) => stack.removal);
      if (removals.length > 0) plays.push({ hosts: 'balancers', roles: removals });
      open = undefined;
    }
    if (open?.hosts === component.hosts) {
      open.roles.push(component.role);
    } else {
      open = { hosts: component.hosts, roles: [component.role] };
      plays.push(open);
    }
  }
  return plays;
}
