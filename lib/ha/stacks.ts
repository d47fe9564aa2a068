// The one list of HA stacks. A lab runs one of them; the namespace provider's local repository
// holds every stack's packages, so a lab can switch stacks without a route out.
import type { Lab } from '../lab/model.ts';
import type { HaStack } from './ha-stack.ts';
import { heartbeatStack } from './heartbeat/heartbeat-stack.ts';

export const HA_STACKS: readonly HaStack[] = [heartbeatStack];

/** The stack a lab runs: Heartbeat, the tutorial's, until the definition can name another. */
export function haStackOf(_lab: Lab): HaStack {
  return heartbeatStack;
}

/** Every stack's secrets, for the lab's secrets file. */
export function stackSecrets(): HaStack['secrets'] {
  return HA_STACKS.flatMap((stack) => stack.secrets);
}
