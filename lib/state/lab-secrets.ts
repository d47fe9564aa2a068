// Secrets generated once per lab and kept in its state folder with mode 600, outside git: every
// HA stack's (Heartbeat's authkeys secret, T6; keepalived's VRRPv2 password) and the HAProxy
// stats password (T8). Re-runs reuse them, so nothing rotates and nothing restarts; they are
// printed only when the user asks.
import { randomBytes } from 'node:crypto';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { stackSecrets } from '../ha/stacks.ts';
import type { LabStateDir } from './lab-state.ts';
import type { LabSecrets, SecretSpec } from './secret-spec.ts';
import { readStateJson, requireShape, text, type FieldCheck } from './state-json.ts';

export type { LabSecrets } from './secret-spec.ts';

export const SECRET_FILE = 'secrets.json';

/** T8: the HAProxy stats page's password, the farm's own. */
const STATS_PASSWORD: SecretSpec = {
  name: 'statsPassword',
  // letters and digits only, so it can sit in haproxy.cfg and a URL unquoted
  generate: () => randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 20),
  check: text(/^[A-Za-z0-9]{1,64}$/, '1 to 64 letters and digits', { secret: true }),
  describe: 'stats page password',
};

/** Every secret a lab has, in the order secrets.json lists them: every HA stack's, then the stats password. */
export const LAB_SECRETS: readonly SecretSpec[] = [...stackSecrets(), STATS_PASSWORD];


export const SECRET_CHECKS: Record<string, FieldCheck> = Object.fromEntries(LAB_SECRETS.map((spec) => [spec.name, spec.check]));

const REMEDY =
  "it holds the HA stacks' keys and the stats password, which go into the machines' config files as they are, " +
  'so hafarm does not replace a bad value by itself (that would change the secrets of a running lab). ' +
  'Restore the file, or delete it to have new secrets generated: the next lab:provision installs them';

/** The stored secrets, checked, with any missing one generated in memory; nothing is written. */
export function readSecrets(state: LabStateDir): { secrets: LabSecrets; generated: boolean } {
  const file = state.path(SECRET_FILE);
  const names = LAB_SECRETS.map((spec) => spec.name);
  const value = readStateJson(file, REMEDY);
  const stored = value === undefined ? {} : requireShape<Partial<Record<string, string>>>(file, value, SECRET_CHECKS, REMEDY, names);
  const secrets: Record<string, string> = {};
  for (const spec of LAB_SECRETS) secrets[spec.name] = stored[spec.name] ?? spec.generate();
  return { secrets: secrets as LabSecrets, generated: names.some((name) => stored[name] === undefined) };
}

export function storeSecrets(state: LabStateDir, secrets: LabSecrets): void {
  state.ensureOwnFolder();
  writeFileSync(state.path(SECRET_FILE), `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
}

/** The lab's secrets, generating and storing any that are missing. */
export function loadSecrets(state: LabStateDir): LabSecrets {
  const { secrets, generated } = readSecrets(state);
  if (generated) storeSecrets(state, secrets);
  const file = state.path(SECRET_FILE);
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return secrets;
}
