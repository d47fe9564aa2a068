// Provisioning the lab: the engine's runner over the lab's inventory, each role given the farm's
// context. Same arguments for lab:provision and the benchmarks.
import type { PlayEvent, PlayOptions, PlayOutcome } from '../lib/engine/run-play.ts';
import { runPlay } from '../lib/engine/run-play.ts';
import type { SshTarget } from '../lib/engine/ssh/ssh-target.ts';
import type { Lab } from '../lib/lab/model.ts';
import type { LabSecrets } from '../lib/state/secret-spec.ts';
import { labInventory } from './lab-inventory.ts';
import { roleContexts, type Play } from './role-context.ts';

export interface LabPlayOptions extends PlayOptions {
  secrets: LabSecrets;
}

export function runLabPlay(
  lab: Lab,
  playbook: readonly Play[],
  targets: Map<string, SshTarget>,
  options: LabPlayOptions,
  emit: (event: PlayEvent) => void,
): Promise<PlayOutcome> {
  const { secrets, ...engineOptions } = options;
  return runPlay(labInventory(lab), playbook, roleContexts(lab, secrets), targets, engineOptions, emit);
}
