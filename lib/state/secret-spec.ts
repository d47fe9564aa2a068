// What a secret of the lab is, apart from where the lab's secrets are kept (lab-secrets.ts), so
// that the components can declare theirs and their roles read them without importing the store.
import type { Lab } from '../lab/model.ts';
import type { FieldCheck } from './state-json.ts';

/** A secret generated once per lab; the components declare theirs (roles/component.ts). */
export interface SecretSpec {
  /** its key in secrets.json */
  name: string;
  generate(): string;
  /** the shape generate() makes: the values go into config files as they are, so a line break
   * or a space in one would add directives of its own; a stored value of another shape is refused */
  check: FieldCheck;
  /** for lab:status --secrets: what it is and where it goes */
  describe: string;
  /**
   * Optional: where a farm hafarm did not make holds it (the existing provider's machines): the
   * file on which machine, and how to find the value in the file's text; undefined when it is
   * not there.
   */
  heldIn?: { host(lab: Lab): string; file: string; value(text: string, lab: Lab): string | undefined };
}

/** The lab's secrets by name; the stats password is always there. */
export type LabSecrets = { statsPassword: string } & Record<string, string>;

/** One secret a role needs; a clear error, not an empty value in a config file, when there is none. */
export function secretValue(secrets: LabSecrets, name: string): string {
  const value = secrets[name];
  if (value === undefined)
    throw new Error(`no secret "${name}" in the lab's secrets (known: ${Object.keys(secrets).join(', ')})`);
  return value;
}
