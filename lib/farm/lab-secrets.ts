// The lab's secrets as the components declare them (roles/components.ts), read from and kept in
// its state folder (lib/state/lab-secrets.ts).
import { labSecretSpecs } from '../../roles/components.ts';
import { loadSecrets as loadStored, readSecrets as readStored, secretChecks } from '../state/lab-secrets.ts';
import type { Lab } from '../lab/model.ts';
import type { LabStateDir } from '../state/lab-state.ts';
import type { FieldCheck } from '../state/state-json.ts';
import type { LabSecrets, SecretSpec } from '../state/secret-spec.ts';

export { SECRET_FILE, storeSecrets } from '../state/lab-secrets.ts';
export type { LabSecrets } from '../state/secret-spec.ts';

/** Every secret a lab has, in the order secrets.json lists them. */
export const LAB_SECRETS: readonly SecretSpec[] = labSecretSpecs();

export const SECRET_CHECKS: Record<string, FieldCheck> = secretChecks(LAB_SECRETS);

/** The stored secrets, checked, with any missing one generated in memory; nothing is written. */
export function readSecrets(state: LabStateDir): { secrets: LabSecrets; generated: boolean } {
  return readStored(state, LAB_SECRETS);
}

/** The lab's secrets, generating and storing any that are missing. */
export function loadSecrets(state: LabStateDir): LabSecrets {
  return loadStored(state, LAB_SECRETS);
}

/**
 * The secrets a farm hafarm did not make holds (SecretSpec.heldIn), read from its machines with
 * `read` (a file's text, undefined when it is not there): each one found, by name.
 */
export async function heldSecrets(
  lab: Lab,
  read: (host: string, file: string) => Promise<string | undefined>,
): Promise<Partial<LabSecrets>> {
  const found: Record<string, string> = {};
  for (const spec of LAB_SECRETS) {
    if (!spec.heldIn) continue;
    const text = await read(spec.heldIn.host(lab), spec.heldIn.file);
    const value = text === undefined ? undefined : spec.heldIn.value(text, lab);
    if (value !== undefined) found[spec.name] = value;
  }
  return found;
}
