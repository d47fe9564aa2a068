// Secrets generated once per lab and kept in its state folder with mode 600, outside git:
// Heartbeat's authkeys secret (T6) and the HAProxy stats password (T8). Re-runs reuse them, so
// nothing rotates and nothing restarts; they are printed only when the user asks.
import { randomBytes } from 'node:crypto';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import type { LabStateDir } from './lab-state.ts';
import { readStateJson, requireShape, text, type FieldCheck } from './state-json.ts';

export const SECRET_FILE = 'secrets.json';

export interface LabSecrets {
  /** T6: the sha1 key in /etc/ha.d/authkeys */
  heartbeatAuthkey: string;
  /** T8: stats auth password of the HAProxy stats page */
  statsPassword: string;
}

const GENERATORS: { [K in keyof LabSecrets]: () => string } = {
  heartbeatAuthkey: () => randomBytes(24).toString('hex'),
  // letters and digits only, so it can sit in haproxy.cfg and a URL unquoted
  statsPassword: () => randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 20),
};

// The shapes the generators make: the values go into authkeys and haproxy.cfg as they are, so a
// line break or a space in one would add directives of its own.
export const SECRET_CHECKS: { [K in keyof LabSecrets]: FieldCheck } = {
  heartbeatAuthkey: text(/^[0-9a-f]{48}$/, '48 lowercase hexadecimal digits', { secret: true }),
  statsPassword: text(/^[A-Za-z0-9]{1,64}$/, '1 to 64 letters and digits', { secret: true }),
};

const REMEDY =
  "it holds the lab's Heartbeat key and stats password, which go into authkeys and haproxy.cfg on the machines as they are, " +
  'so hafarm does not replace a bad value by itself (that would change the secrets of a running lab). ' +
  'Restore the file, or delete it to have new secrets generated: the next lab:provision installs them';

/** The stored secrets, checked, with any missing one generated in memory; nothing is written. */
export function readSecrets(state: LabStateDir): { secrets: LabSecrets; generated: boolean } {
  const file = state.path(SECRET_FILE);
  const names = Object.keys(GENERATORS) as Array<keyof LabSecrets>;
  const value = readStateJson(file, REMEDY);
  const stored = value === undefined ? {} : requireShape<Partial<LabSecrets>>(file, value, SECRET_CHECKS, REMEDY, names);
  const secrets = {} as LabSecrets;
  for (const name of names) secrets[name] = stored[name] ?? GENERATORS[name]();
  return { secrets, generated: names.some((name) => stored[name] === undefined) };
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
