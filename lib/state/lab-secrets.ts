// Secrets generated once per lab and kept in its state folder with mode 600, outside git: the
// components declare theirs (Heartbeat's authkeys secret, T6; keepalived's VRRPv2 password; the
// HAProxy stats password, T8) and hand them in as SecretSpecs. Re-runs reuse them, so nothing
// rotates and nothing restarts; they are printed only when the user asks.
import { chmodSync, statSync } from 'node:fs';
import type { LabStateDir } from './lab-state.ts';
import type { LabSecrets, SecretSpec } from './secret-spec.ts';
import { readStateJson, requireShape, type FieldCheck } from './state-json.ts';

export type { LabSecrets } from './secret-spec.ts';

export const SECRET_FILE = 'secrets.json';

/** Each secret's check of its stored value, by name. */
export function secretChecks(specs: readonly SecretSpec[]): Record<string, FieldCheck> {
  return Object.fromEntries(specs.map((spec) => [spec.name, spec.check]));
}

const REMEDY =
  "it holds the HA stacks' keys and the stats password, which go into the machines' config files as they are, " +
  'so hafarm does not replace a bad value by itself (that would change the secrets of a running lab). ' +
  'Restore the file, or delete it to have new secrets generated: the next lab:provision installs them';

/** The stored secrets, checked, with any missing one generated in memory; nothing is written. */
export function readSecrets(
  state: LabStateDir,
  specs: readonly SecretSpec[],
): { secrets: LabSecrets; generated: boolean } {
  const file = state.path(SECRET_FILE);
  const names = specs.map((spec) => spec.name);
  const value = readStateJson(file, REMEDY);
  const stored =
    value === undefined
      ? {}
      : requireShape<Partial<Record<string, string>>>(file, value, secretChecks(specs), REMEDY, names);
  const secrets: Record<string, string> = {};
  for (const spec of specs) secrets[spec.name] = stored[spec.name] ?? spec.generate();
  return { secrets: secrets as LabSecrets, generated: names.some((name) => stored[name] === undefined) };
}

export function storeSecrets(state: LabStateDir, secrets: LabSecrets): void {
  state.write(SECRET_FILE, `${JSON.stringify(secrets, null, 2)}\n`, 0o600);
}

/** The lab's secrets, generating and storing any that are missing. */
export function loadSecrets(state: LabStateDir, specs: readonly SecretSpec[]): LabSecrets {
  const { secrets, generated } = readSecrets(state, specs);
  if (generated) storeSecrets(state, secrets);
  const file = state.path(SECRET_FILE);
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return secrets;
}
