// A task is one idempotent step: it reads what is, compares with what is wanted, and changes
// only the difference (and nothing at all in check mode). Modules in modules/ make tasks.
import type { Facts } from './facts.ts';
import type { FileStates } from './modules/remote-file.ts';
import type { RemoteReads } from './modules/remote-reads.ts';
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
  /**
   * What the host's selected tasks install (Task.installs), less anything one of them removes:
   * the first install takes all that is missing in one package transaction.
   */
  packagesToInstall: Set<string>;
  /** package → the task whose transaction installed it in this run */
  installedBy: Map<string, string>;
}

export function newHostRunState(): HostRunState {
  return { aptUpdated: false, startedServices: new Set(), packagesToInstall: new Set(), installedBy: new Map() };
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
  /** the outputs of the tasks' read-only commands (Task.reads), prefetched in one command likewise */
  reads: RemoteReads;
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
  /** read-only commands it runs to learn the state (run through ctx.reads), known once the facts are: the runner runs them all in one command */
  reads?(facts: Facts): string[];
  /** packages it installs, known before it runs: a host's first install installs all of them (HostRunState) */
  installs?: string[];
  /** packages it removes: never installed ahead of their own step */
  removes?: string[];
  run(ctx: TaskContext): Promise<TaskResult>;
  /** the files (or parts) it manages, computed from the context alone */
  render?(ctx: TaskContext): ManagedFile[];
}

export const ok = (message?: string): TaskResult => ({ status: 'ok', ...(message ? { message } : {}) });
export const changed = (message?: string, diff?: string): TaskResult => ({
  status: 'changed',
  ...(message ? { message } : {}),
  ...(diff ? { diff } : {}),
});
export const failed = (message: string): TaskResult => ({ status: 'failed', message });
