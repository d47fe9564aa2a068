// Which provider a command uses: the one the lab's state records (it made the machines), else
// --provider, else the definition's choice; "auto" takes the first usable one.
import type { Lab, ProviderChoice, ProviderName } from '../lab/model.ts';
import type { LabStateDir } from '../state/lab-state.ts';
import { formatMissing, PrerequisitesMissing, type LabProvider, type MissingPrerequisite } from './provider.ts';
import { NetnsProvider } from './netns/netns-provider.ts';
import { VagrantProvider } from './vagrant/vagrant-provider.ts';
import { UserFacingError } from '../user-facing-error.ts';

export const AUTO_ORDER: ProviderName[] = ['virtualbox', 'libvirt', 'netns'];

export function createProvider(name: ProviderName, lab: Lab, state: LabStateDir): LabProvider {
  switch (name) {
    case 'virtualbox':
    case 'libvirt':
      return new VagrantProvider(name, lab, state);
    case 'netns':
      return new NetnsProvider(lab, state);
  }
}

export class NoUsableProvider extends UserFacingError {
  override name = 'NoUsableProvider';
}

/** Resolves "auto" by asking each provider's prerequisites, in AUTO_ORDER. Creates nothing. */
export async function resolveProvider(choice: ProviderChoice, lab: Lab, state: LabStateDir): Promise<LabProvider> {
  const recorded = state.check(lab, choice === 'auto' ? undefined : choice);
  if (recorded) return createProvider(recorded.provider, lab, state);
  if (choice !== 'auto') return createProvider(choice, lab, state);
  const reports: string[] = [];
  for (const name of AUTO_ORDER) {
    const provider = createProvider(name, lab, state);
    const missing: MissingPrerequisite[] = await provider.missingPrerequisites();
    if (missing.length === 0) return provider;
    reports.push(formatMissing(name, missing));
  }
  throw new NoUsableProvider(`No provider can run the lab on this host (provider: auto); nothing was created.\n${reports.join('\n')}`);
}

/** Fails with one message listing everything missing, before anything is created. */
export async function requirePrerequisites(provider: LabProvider): Promise<void> {
  const missing = await provider.missingPrerequisites();
  if (missing.length > 0) throw new PrerequisitesMissing(provider.name, missing);
}
