// Secrets generated once per lab and kept in its state folder with mode 600, outside git:
// Heartbeat's authkeys secret (T6) and the HAProxy stats password (T8). Re-runs reuse them, so
// nothing rotates and nothing restarts; they are printed only when the user asks.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { LabStateDir } from './lab-state.ts';

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

export function loadSecrets(state: LabStateDir): LabSecrets {
  const file = state.path(SECRET_FILE);
  const stored: Partial<LabSecrets> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LabSecrets>) : {};
  let added = false;
  const secrets = {} as LabSecrets;
  for (const name of Object.keys(GENERATORS) as Array<keyof LabSecrets>) {
    const value = stored[name];
    if (typeof value === 'string' && value.length > 0) secrets[name] = value;
    else {
      secrets[name] = GENERATORS[name]();
      added = true;
    }
  }
  if (added) {
    mkdirSync(state.dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return secrets;
}
