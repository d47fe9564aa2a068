// Host keys recorded per lab (a known_hosts file in the lab's state folder, keyed by the lab's
// host name as OpenSSH's HostKeyAlias would be): the first contact records the key, a changed key
// is refused unless the tool itself recreated the machine and forgot the old key.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeOwnFile } from '../../files/own-file.ts';
import { UserFacingError } from '../../user-facing-error.ts';

/** Said to the user as it is: they recreated the machine, or someone is in the middle. */
export class HostKeyChanged extends UserFacingError {
  override name = 'HostKeyChanged';
}

/** The key type is the first string inside the SSH wire-format key blob. */
export function keyType(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('ascii');
}

export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export class KnownHosts {
  constructor(readonly file: string) {}

  private read(): Map<string, string> {
    const entries = new Map<string, string>();
    if (!existsSync(this.file)) return entries;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      const [host, type, key] = line.trim().split(/\s+/);
      if (host && type && key && !host.startsWith('#')) entries.set(host, `${type} ${key}`);
    }
    return entries;
  }

  private write(entries: Map<string, string>): void {
    writeOwnFile(this.file, [...entries].map(([host, key]) => `${host} ${key}\n`).join(''), 0o600);
  }

  /** Records the key on first contact; throws HostKeyChanged when it differs from the recorded one. */
  verify(host: string, blob: Buffer): void {
    const entries = this.read();
    const presented = `${keyType(blob)} ${blob.toString('base64')}`;
    const recorded = entries.get(host);
    if (recorded === undefined) {
      entries.set(host, presented);
      this.write(entries);
      return;
    }
    if (recorded !== presented) {
      const recordedBlob = Buffer.from(recorded.split(' ')[1] ?? '', 'base64');
      throw new HostKeyChanged(
        `${host}: the SSH host key changed (recorded ${fingerprint(recordedBlob)}, now ${fingerprint(blob)}). ` +
          `If you recreated this machine outside hafarm, remove its line from ${this.file}; otherwise someone may be intercepting the connection.`,
      );
    }
  }

  /** The hosts a key is recorded for: those OpenSSH can check with StrictHostKeyChecking yes. */
  recordedHosts(): Set<string> {
    return new Set(this.read().keys());
  }

  /** Called by providers when they recreate a machine: its next key is a new first contact. */
  forget(host: string): void {
    const entries = this.read();
    if (entries.delete(host)) this.write(entries);
  }
}
