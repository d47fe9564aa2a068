// A task is one idempotent step: it reads what is, compares with what is wanted, and changes
// only the difference (and nothing at all in check mode). Modules in modules/ make tasks.
import type { Facts } from './facts.ts';
import type { FileStates } from './modules/remote-file.ts';
import type { Remote } from './remote.ts';

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped';

export interface TaskResult {
  status: TaskStatus;
  /** why it failed, or what changed, in a few words */
  message?: string;
  /** unified diff of the change (files), shown in diff mode */
  diff?: string;
}

/** Per host, per run: lets a module do a thing once (e.g. one apt-get update). */
export interface HostRunState {
  aptUpdated: boolean;
  /** services this run started: a restart handler for them has nothing left to do */
  startedServices: Set<string>;
}

export interface TaskContext {
  remote: Remote;
  facts: Facts;
  /** report what would change, change nothing */
  check: boolean;
  /** compute diffs of file changes */
  diff: boolean;
  run: HostRunState;
  /** file states, prefetched in one command for a role's tasks */
  files: FileStates;
}

/** What a task puts in place, for `lab:render` (no machine needed). */
export interface ManagedFile {
  path: string;
  content: string;
  mode: string;
  owner: string;
  group: string;
  /** file: the whole file; block/line: only that part of the file is managed */
  kind: 'file' | 'block' | 'line';
}

export interface Task {
  /** shown in progress and recap; cite the tutorial step, e.g. "T5 /etc/ha.d/ha.cf" */
  name: string;
  tags?: string[];
  /** handlers to run once, after the role's tasks, if this task changed something */
  notify?: string[];
  /** paths it will read, known before it runs: the runner reads them all in one command */
  paths?: string[];
  run(ctx: TaskContext): Promise<TaskResult>;
  /** the files (or parts) it manages, computed from the context alone */
  render?(ctx: TaskContext): ManagedFile[];
}

export const ok = (message?: string): TaskResult => ({ status: 'ok', ...(message ? { message } : {}) });
export const changed = (message?: string, diff?: string): TaskResult => ({ status: 'changed', ...(message ? { message } : {}), ...(diff ? { diff } : {}) });
export const failed = (message: string): TaskResult => ({ status: 'failed', message });
