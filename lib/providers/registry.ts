// Every provider, in the order provider "auto" tries them: the one list a new provider joins.
// A provider is a folder under lib/providers/ that implements the contract (provider.ts) and
// exports its registration; its name, definition fields, state entries and reserved ranges
// reach the rest of hafarm from here.
import type { Said } from '../said.ts';
import type { Lab, ProviderChoice } from '../lab/model.ts';
import { HAFARM_ENTRIES, type StateLayout } from '../state/state-entries.ts';
import { dockerRegistration } from './docker/docker-provider.ts';
import { existingRegistration } from './existing/existing-provider.ts';
import { netnsRegistration } from './netns/netns-provider.ts';
import type { ProviderFile, ProviderRegistration } from './provider.ts';
import { libvirtRegistration, virtualboxRegistration } from './vagrant/vagrant-provider.ts';

export const PROVIDERS: readonly ProviderRegistration[] = [
  virtualboxRegistration,
  libvirtRegistration,
  netnsRegistration,
  dockerRegistration,
  existingRegistration,
];

/** The files the providers write from the definition, for lab:render; one written alike by two providers is there once. */
export function providerFiles(lab: Lab): ProviderFile[] {
  const files = new Map<string, ProviderFile>();
  for (const provider of PROVIDERS)
    for (const file of provider.files?.(lab) ?? []) if (!files.has(file.name)) files.set(file.name, file);
  return [...files.values()];
}

/** What the NAT / management network is under the provider, or under each one "auto" may pick. */
export function managementNetworks(lab: Lab, choice: ProviderChoice): Said[] {
  return PROVIDERS.filter((p) => choice === 'auto' || p.name === choice).map((p) => {
    const what = p.managementNetwork(lab);
    return { en: `${p.name}: ${what.en}`, es: `${p.name}: ${what.es}` };
  });
}

/** The providers' names, in the list's order. */
export function providerNames(): string[] {
  return PROVIDERS.map((provider) => provider.name);
}

/** What a lab's state folder may hold: hafarm's entries and every provider's. */
export function stateLayout(): StateLayout {
  return {
    providers: providerNames(),
    entries: Object.assign({}, HAFARM_ENTRIES, ...PROVIDERS.map((provider) => provider.stateEntries ?? {})),
    machineTraces: [...new Set(PROVIDERS.flatMap((provider) => provider.machineTraces ?? []))],
    upEntries: Object.fromEntries(PROVIDERS.map((provider) => [provider.name, provider.upEntries ?? []])),
    upEntryShapes: Object.fromEntries(PROVIDERS.map((provider) => [provider.name, provider.upEntryShapes ?? {}])),
  };
}

/** A provider's registration by name (a name the definition or the record gave, so one that exists). */
export function registrationOf(name: string): ProviderRegistration {
  const registered = PROVIDERS.find((provider) => provider.name === name);
  if (!registered) throw new Error(`no provider is registered as "${name}" (lib/providers/registry.ts)`);
  return registered;
}
