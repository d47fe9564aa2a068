// The files hafarm wrote outside the lab's state folder (lab:render, lab:graph, the --out of
// ssh-config, inventory and capture), each with the SHA-256 of what it wrote. Such a file is
// replaced without --force only while it still holds what hafarm wrote: a file of the user's, or
// one the user changed since, is not.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readStateJson } from './state-json.ts';
import { StateDamaged } from './state-problems.ts';

export const WRITTEN_FILES = 'written-files.json';

/** Entries kept at most: the oldest are forgotten first (their files then need --force). */
const KEPT = 2000;

const digest = (content: string | Uint8Array) => createHash('sha256').update(content).digest('hex');

/** Where the record is kept: a lab's state folder, or the folder of a class's table (lab:class). */
export interface WrittenFilesStore {
  path(entry: string): string;
  write(entry: string, content: string): void;
}

export class WrittenFiles {
  constructor(private readonly state: WrittenFilesStore) {}

  /** What was recorded; a damaged record is only a loss of memory (those files then need --force). */
  private entries(): Record<string, string> {
    let value: unknown;
    try {
      value = readStateJson(this.state.path(WRITTEN_FILES), 'it is rewritten by the next command that writes a file');
    } catch (error) {
      if (error instanceof StateDamaged) return {};
      throw error;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && /^[0-9a-f]{64}$/.test(e[1]),
      ),
    );
  }

  /** True when `target` holds exactly what hafarm last wrote there. */
  wroteExactly(target: string, content: Uint8Array): boolean {
    return this.entries()[target] === digest(content);
  }

  record(files: ReadonlyArray<{ target: string; content: string | Uint8Array }>): void {
    const entries = this.entries();
    for (const { target } of files) delete entries[target];
    for (const { target, content } of files) entries[target] = digest(content);
    const kept = Object.entries(entries)
      .filter(([target]) => existsSync(target))
      .slice(-KEPT);
    this.state.write(WRITTEN_FILES, `${JSON.stringify(Object.fromEntries(kept), null, 2)}\n`);
  }
}
