// Which provider a command uses: the one the lab's state records (it made the machines), else
// --provider, else the definition's choice; "auto" takes the first usable one.
import type { Lab, ProviderChoice, ProviderName } from '../lab/model.ts';
import type { LabStateDir } from '../state/lab-state.ts';
import { UserFacingError } from '../user-facing-error.ts';
import { formatMissing, PrerequisitesMissing, type LabProvider, type MissingPrerequisite } from './provider.ts';
import { PROVIDERS, registrationOf } from './registry.ts';

/** The registered providers' names, in the order "auto" tries them. */
export const AUTO_ORDER: ProviderName[] = PROVIDERS.filter((provider) => !provider.onlyByName).map(
  (provider) => provider.name,
);

export function createProvider(name: ProviderName, lab: Lab, state: LabStateDir): LabProvider {
  // A name the definition allows but no provider registered: hafarm's bug, not the user's.
  return registrationOf(name).create(lab, state);
}

export class NoUsableProvider extends UserFacingError {
  override name = 'NoUsableProvider';
}

/** The line that says which provider "auto" took, and why each one before it was passed over. */
export function autoChoiceLine(
  chosen: ProviderName,
  passedOver: ReadonlyArray<[ProviderName, MissingPrerequisite[]]>,
): string {
  const why = passedOver.map(([name, missing]) => `${name} lacks ${missing.map((m) => m.what).join('; ')}`);
  return `provider auto: ${chosen}, the first usable of ${AUTO_ORDER.join(', ')}${why.length > 0 ? ` (passed over: ${why.join('; ')})` : ''}`;
}

/**
 * Resolves "auto" by asking each provider's prerequisites, in AUTO_ORDER, and says which it took
 * and why those before it were passed over. Creates nothing.
 */
export async function resolveProvider(
  choice: ProviderChoice,
  lab: Lab,
  state: LabStateDir,
  say: (line: string) => void = () => undefined,
): Promise<LabProvider> {
  const recorded = state.check(lab, choice === 'auto' ? undefined : choice);
  if (recorded) return createProvider(recorded.provider, lab, state);
  if (choice !== 'auto') return createProvider(choice, lab, state);
  const reports: string[] = [];
  const passedOver: Array<[ProviderName, MissingPrerequisite[]]> = [];
  for (const name of AUTO_ORDER) {
    const provider = createProvider(name, lab, state);
    const missing: MissingPrerequisite[] = await provider.missingPrerequisites();
    if (missing.length === 0) {
      say(autoChoiceLine(name, passedOver));
      return provider;
    }
    passedOver.push([name, missing]);
    reports.push(formatMissing(name, missing));
  }
  throw new NoUsableProvider(
    `No provider can run the lab on this host (provider: auto); nothing was created.\n${reports.join('\n')}`,
  );
}

/**
 * npm run lab's first step: the provider lab:up will take installs what this host lacks, where it
 * knows how. With "auto" only when no provider is usable as the host stands, and then the first
 * in auto's order that knows how: a usable hypervisor is never passed over for it.
 */
export async function prepareHostFor(
  choice: ProviderChoice,
  lab: Lab,
  state: LabStateDir,
  say: (line: string) => void,
): Promise<void> {
  const provider =
    choice === 'auto'
      ? await autoToPrepare(PROVIDERS.map((registered) => registered.create(lab, state)))
      : createProvider(choice, lab, state);
  await provider?.prepareHost?.(say);
}

/** For "auto": none when one of the providers is usable already, else the first that can prepare the host. */
export async function autoToPrepare(providers: readonly LabProvider[]): Promise<LabProvider | undefined> {
  for (const provider of providers) if ((await provider.missingPrerequisites()).length === 0) return undefined;
  return providers.find((provider) => provider.prepareHost);
}

/** Fails with one message listing everything missing, before anything is created. */
export async function requirePrerequisites(provider: LabProvider): Promise<void> {
  const missing = await provider.missingPrerequisites();
  if (missing.length > 0) throw new PrerequisitesMissing(provider.name, missing);
}
