// The HA stacks the bench measures side by side, each as the lines a definition adds to the
// tutorial's: Heartbeat with the tutorial's timings, keepalived with its defaults, and keepalived's
// fast-failover profile. Each has its failover target (issue 15).
import { haStackOf } from '../../roles/components.ts';
import type { Lab } from '../../lib/lab/model.ts';

export interface StackProfile {
  name: string;
  /** what the definition adds to the tutorial's */
  definition: string;
  /** seconds from power off to the first answer through the VIP that the stack should keep to */
  target(lab: Lab): number;
  /** whether it also runs the steady-load soak (spurious transitions) */
  soak: boolean;
}

/** The stack's own detection time and half a second for the rest (ARP, HAProxy, the request). */
const detectionAndHalf = (lab: Lab) => haStackOf(lab).detectionSeconds(lab) + 0.5;

export const STACK_PROFILES: readonly StackProfile[] = [
  { name: 'heartbeat', definition: '', target: detectionAndHalf, soak: false },
  { name: 'keepalived', definition: 'ha:\n  stack: keepalived\n', target: detectionAndHalf, soak: false },
  // A bare keepalived pair answered from the backup 0.31–0.37 s after the master died (issue 15).
  {
    name: 'keepalived-fast',
    definition: 'ha:\n  stack: keepalived\nkeepalived:\n  version: 3\n  advert_int: 0.1\n',
    target: () => 0.5,
    soak: true,
  },
];
