// The farm: the lab definition with every component and every provider plugged in. The lab
// model, the state folder and the engine know neither list; this is where the two lists
// (roles/components.ts, lib/providers/registry.ts) are handed to them.
import { DEFAULT_LAB_FILE, loadDefinition, parseDefinition, type LabRule } from '../lab/load.ts';
import type { DefinitionParts } from '../lab/definition-parts.ts';
import type { Lab } from '../lab/model.ts';
import { PROVIDERS, providerNames } from '../providers/registry.ts';
import { definitionSections, DEFAULT_HA_STACK, HA_STACKS } from '../../roles/components.ts';

/** What the definition reader is handed: the components' sections, the providers' fields and rules. */
export function definitionParts(): DefinitionParts {
  return {
    sections: [
      ...definitionSections(),
      ...PROVIDERS.flatMap((provider) => (provider.section ? [provider.section] : [])),
    ],
    haStacks: { names: HA_STACKS.map((stack) => stack.name), default: DEFAULT_HA_STACK },
    providers: providerNames(),
    boxFields: PROVIDERS.flatMap((provider) => provider.boxFields ?? []),
    reservedRanges: PROVIDERS.flatMap((provider) => provider.reservedRanges ?? []),
    rules: PROVIDERS.flatMap((provider) => (provider.checkLab ? [provider.checkLab] : [])),
  };
}

/** A definition's text into the model, or LabDefinitionError listing every problem. */
export function parseLab(text: string, file: string, rules: readonly LabRule[] = []): Lab {
  return parseDefinition(text, file, definitionParts(), rules);
}

/** A definition file into the model, or LabDefinitionError listing every problem. */
export function loadLab(file: string = DEFAULT_LAB_FILE, rules: readonly LabRule[] = []): Lab {
  return loadDefinition(file, definitionParts(), rules);
}
