// A lab's state folder with the providers' entries handed in (registry.ts): what lab:destroy may
// remove there is hafarm's own entries and every provider's.
import { DEFAULT_STATE_DIR, LabStateDir } from '../state/lab-state.ts';
import { stateLayout } from '../providers/registry.ts';

export function labStateDir(dir: string = DEFAULT_STATE_DIR): LabStateDir {
  return new LabStateDir(dir, stateLayout());
}
