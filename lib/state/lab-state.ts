// The lab's state folder (.lab/ by default): generated Vagrantfile, provider state, secrets,
// known_hosts. A record inside says which lab and provider it belongs to, so a command run with
// another definition or provider is refused instead of touching someone else's machines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Lab, ProviderName } from '../lab/model.ts';
import { UserFacingError } from '../user-facing-error.ts';
import { isStateEntry, type StateLayout } from './state-entries.ts';
import { inspectStateFolder, removeOwnEntries, type Removal, type StateFolderContents } from './state-folder.ts';
import { ONE_LINE, oneOf, readStateJson, requireShape, text } from './state-json.ts';
import { NotAStateFolder } from './state-problems.ts';

export const DEFAULT_STATE_DIR = '.lab';
const RECORD = 'lab-state.json';

export interface LabStateRecord {
  lab: string;
  definition: string;
  provider: ProviderName;
  created: string;
}

function recordFields(providers: readonly ProviderName[]) {
  return {
    lab: text(ONE_LINE, 'the lab name lab:up wrote'),
    definition: text(ONE_LINE, 'the definition file lab:up wrote'),
    provider: oneOf(providers),
    // informational only: any line will do
    created: text(/^[^\x00-\x1f\x7f]{0,100}$/, 'the time lab:up wrote'),
  };
}

export class StateMismatch extends UserFacingError {
  override name = 'StateMismatch';
}

export class LabStateDir {
  readonly dir: string;

  /** `layout`: the entries the providers keep beside hafarm's own (lib/farm/lab-state-dir.ts hands them in) */
  constructor(
    dir: string,
    readonly layout: StateLayout,
  ) {
    this.dir = resolve(dir);
  }

  /** A path inside the folder; only names lab:destroy knows to remove are allowed. */
  path(entry: string, ...parts: string[]): string {
    // hafarm's bug, not the user's: a name destroy would not know to remove
    if (!isStateEntry(this.layout, entry))
      throw new Error(
        `"${entry}" is no state entry hafarm or a provider declared (lib/state/state-entries.ts, ProviderRegistration.stateEntries)`,
      );
    return join(this.dir, entry, ...parts);
  }

  /** What the folder holds; NotAStateFolder when --state names a file, a link or a path under a file. */
  contents(): StateFolderContents {
    return inspectStateFolder(this.dir, this.layout);
  }

  private recordRemedy(): string {
    return (
      `it was written by lab:up and names the lab and the provider that made its machines. ` +
      `If those machines still exist, run lab:destroy --provider NAME (the provider they were made with) to destroy them and this folder; if none is left, remove ${this.dir} by hand`
    );
  }

  /** The record, checked to the shape lab:up writes; StateDamaged otherwise. */
  read(): LabStateRecord | undefined {
    if (this.contents().kind === 'absent') return undefined;
    const file = this.path(RECORD);
    const value = readStateJson(file, this.recordRemedy());
    return value === undefined
      ? undefined
      : requireShape<LabStateRecord>(file, value, recordFields(this.layout.providers), this.recordRemedy());
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

  /**
   * Refuses a folder that holds files hafarm did not make, unless it already carries a record:
   * lab:destroy empties a state folder, so it must be hafarm's own before hafarm writes into it.
   */
  checkOwnFolder(): void {
    const contents = this.contents();
    // read(): a record that is there but damaged is reported as such, not as a foreign file.
    if (contents.kind === 'folder' && contents.foreign.length > 0 && !this.read()) {
      throw new NotAStateFolder({ reason: 'foreign', dir: this.dir, foreign: contents.foreign, doing: 'create' });
    }
  }

  /** Makes the folder if needed, once checkOwnFolder() allows it. */
  ensureOwnFolder(): void {
    this.checkOwnFolder();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  claim(lab: Lab, provider: ProviderName): LabStateRecord {
    const existing = this.check(lab, provider);
    if (existing) return existing;
    this.ensureOwnFolder();
    const record: LabStateRecord = { lab: lab.name, definition: lab.file, provider, created: new Date().toISOString() };
    writeFileSync(this.path(RECORD), `${JSON.stringify(record, null, 2)}\n`);
    return record;
  }

  /** Removes what hafarm made in the folder, and the folder once nothing else is left in it. */
  removeOwnEntries(): Removal {
    return removeOwnEntries(this.dir, this.layout);
  }
}
