// The lab's state folder (.lab/ by default): generated Vagrantfile, provider state, secrets,
// known_hosts. A record inside says which lab and provider it belongs to, so a command run with
// another definition or provider is refused instead of touching someone else's machines.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Lab, ProviderName } from '../lab/model.ts';

export const DEFAULT_STATE_DIR = '.lab';
const RECORD = 'lab-state.json';

export interface LabStateRecord {
  lab: string;
  definition: string;
  provider: ProviderName;
  created: string;
}

export class StateMismatch extends Error {
  override name = 'StateMismatch';
}

export class LabStateDir {
  readonly dir: string;

  constructor(dir: string = DEFAULT_STATE_DIR) {
    this.dir = resolve(dir);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  exists(): boolean {
    return existsSync(this.dir);
  }

  read(): LabStateRecord | undefined {
    const file = this.path(RECORD);
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')) as LabStateRecord;
  }

  /** Refuses when the folder belongs to another lab or was brought up with another provider. */
  check(lab: Lab, provider?: ProviderName): LabStateRecord | undefined {
    const record = this.read();
    if (!record) return undefined;
    if (record.lab !== lab.name) {
      throw new StateMismatch(
        `${this.dir} holds lab "${record.lab}" (${record.definition}), not "${lab.name}" (${lab.file}). ` +
          `Pass --state DIR to keep this lab's state elsewhere, or destroy the other lab first.`,
      );
    }
    if (provider && record.provider !== provider) {
      throw new StateMismatch(
        `lab "${lab.name}" is up with the ${record.provider} provider; run lab:destroy before switching to ${provider}.`,
      );
    }
    return record;
  }

  claim(lab: Lab, provider: ProviderName): LabStateRecord {
    const existing = this.check(lab, provider);
    if (existing) return existing;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const record: LabStateRecord = { lab: lab.name, definition: lab.file, provider, created: new Date().toISOString() };
    writeFileSync(this.path(RECORD), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
