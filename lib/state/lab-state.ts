// The lab's state folder (.lab/ by default): generated Vagrantfile, provider state, secrets,
// known_hosts. A record inside says which lab and provider it belongs to, so a command run with
// another definition or provider is refused instead of touching someone else's machines.
import { join, resolve } from 'node:path';
import type { Lab, ProviderName } from '../lab/model.ts';
import { makeFolderChain } from '../files/target-folder.ts';
import { lstatOrUndefined } from '../files/file-in-the-way.ts';
import { UserFacingError } from '../user-facing-error.ts';
import { writeOwnFile } from '../files/own-file.ts';
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
   * For commands that act on the machines: the record of this lab, with every entry its provider
   * keeps (netns.json, the Vagrantfile) there and of its kind; one message saying what is missing
   * and the way back otherwise. Nothing else is run before this passes: no tool is run against a
   * folder that is not the lab's (vagrant would search the folders above for another Vagrantfile).
   */
  checkUp(lab: Lab): LabStateRecord | undefined {
    const record = this.check(lab);
    if (!record) return undefined;
    const missing = this.missingUpEntries(record);
    if (missing.length > 0)
      throw new StateMismatch(
        `${this.dir} holds the record of lab "${record.lab}" (provider ${record.provider}) but not ${missing.join(', ')}, which the ${record.provider} provider keeps its machines by ` +
          `(lab:up was stopped before it made them, or they were removed). Run lab:up to make the lab again, or lab:destroy --provider ${record.provider} to remove what is left. Nothing was run.`,
      );
    // Of the right shape too: a damaged one is said now, before a command writes anything (secrets) or runs a tool.
    for (const [entry, shape] of Object.entries(this.layout.upEntryShapes[record.provider] ?? {})) {
      const file = join(this.dir, entry);
      requireShape(file, readStateJson(file, shape.remedy), shape.fields, shape.remedy, shape.optional);
    }
    return record;
  }

  /** The entries the record's provider keeps its machines by that are not there, or not of their kind. */
  missingUpEntries(record: LabStateRecord): string[] {
    return (this.layout.upEntries[record.provider] ?? []).filter((entry) => {
      const stats = lstatOrUndefined(join(this.dir, entry));
      return !stats || (this.layout.entries[entry] === 'folder' ? !stats.isDirectory() : !stats.isFile());
    });
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
    makeFolderChain(this.dir, 0o700);
  }

  /**
   * Writes one of the folder's files whole (a failure leaves the old one or none), never through a
   * link standing in its place; the folder is made first where needed, once it may be.
   */
  write(entry: string, content: string, mode = 0o644): void {
    this.ensureOwnFolder();
    writeOwnFile(this.path(entry), content, mode);
  }

  claim(lab: Lab, provider: ProviderName): LabStateRecord {
    const existing = this.check(lab, provider);
    if (existing) return existing;
    const record: LabStateRecord = { lab: lab.name, definition: lab.file, provider, created: new Date().toISOString() };
    this.write(RECORD, `${JSON.stringify(record, null, 2)}\n`);
    return record;
  }

  /** Removes what hafarm made in the folder, and the folder once nothing else is left in it. */
  removeOwnEntries(): Removal {
    return removeOwnEntries(this.dir, this.layout);
  }
}
