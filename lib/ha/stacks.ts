// The one list of HA stacks. A lab runs one of them; the namespace provider's local repository
// holds every stack's packages, so a lab can switch stacks without a route out.
import type { Lab } from '../lab/model.ts';
import type { HaStack } from './ha-stack.ts';
import { heartbeatStack } from './heartbeat/heartbeat-stack.ts';
import type { HeartbeatSettings } from './heartbeat/heartbeat-settings.ts';
import { keepalivedStack } from './keepalived/keepalived-stack.ts';
import type { KeepalivedSettings } from './keepalived/keepalived-settings.ts';

/** Each stack's section of the definition, as the lab model carries it: lab.<stack name>. */
export interface StackSettings {
  heartbeat: HeartbeatSettings;
  keepalived: KeepalivedSettings;
}

export const HA_STACKS: readonly HaStack[] = [heartbeatStack, keepalivedStack];

/** The tutorial's stack, which a definition without ha.stack runs. */
export const DEFAULT_HA_STACK = heartbeatStack.name;

/** The stack a lab runs (ha.stack). */
export function haStackOf(lab: Lab): HaStack {
  const stack = HA_STACKS.find((s) => s.name === lab.ha.stack);
  if (!stack) throw new Error(`${lab.file}: ha.stack "${lab.ha.stack}" is none of ${HA_STACKS.map((s) => s.name).join(', ')} (the loader should have refused it)`);
  return stack;
}

/** The stacks a lab does not run: their removal comes before its own stack starts. */
export function otherStacks(lab: Lab): HaStack[] {
  return HA_STACKS.filter((s) => s.name !== lab.ha.stack);
}

/** Every stack's secrets, for the lab's secrets file. */
export function stackSecrets(): HaStack['secrets'] {
  return HA_STACKS.flatMap((stack) => stack.secrets);
}
