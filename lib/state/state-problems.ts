// What can be wrong with a lab's state folder, as plain data, and the one message each becomes.
// Both errors are the user's to act on: printed without a stack, exit status 1.
import { UserFacingError } from '../user-facing-error.ts';

/** A file hafarm wrote into the state folder that it cannot use as it is. */
export interface DamagedFile {
  file: string;
  /** what is wrong, e.g. "not JSON: Unexpected end of JSON input" */
  problem: string;
  /** what the file is for and what the user can do */
  remedy: string;
}

export function formatDamagedFile(damage: DamagedFile): string {
  return `${damage.file} is damaged (${damage.problem}); ${damage.remedy}. Nothing was changed.`;
}

export class StateDamaged extends UserFacingError {
  constructor(readonly damage: DamagedFile) {
    super(formatDamagedFile(damage));
    this.name = 'StateDamaged';
  }
}

/** Why the path given as --state is not a folder hafarm may keep a lab in or remove. */
export type FolderRefusal =
  | { reason: 'not-a-folder'; dir: string; what: string }
  | { reason: 'symlink'; dir: string; target: string }
  | { reason: 'under-a-file'; dir: string; file: string }
  | { reason: 'foreign'; dir: string; foreign: string[]; doing: 'destroy' | 'create' }
  | { reason: 'machines-without-record'; dir: string; traces: string[]; lab: string; providers: readonly string[] }
  | { reason: 'mounted'; dir: string; mounts: string[] }
  | { reason: 'kernel'; dir: string; kernel: string };

/** At most a few names, then how many more: a folder such as / holds many. */
export function listNames(names: readonly string[], shown = 6): string {
  const head = names.slice(0, shown).join(', ');
  return names.length > shown ? `${head} and ${names.length - shown} more` : head;
}

/** "a, b or c" */
function orList(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export function formatFolderRefusal(refusal: FolderRefusal): string {
  switch (refusal.reason) {
    case 'not-a-folder':
      return `--state ${refusal.dir} is ${refusal.what}, not a folder: a lab's state lives in a folder of its own. Pass --state with a folder (hafarm creates it if needed). Nothing was changed.`;
    case 'symlink':
      return (
        `--state ${refusal.dir} is a symbolic link (to ${refusal.target}); hafarm does not follow it, so that lab:destroy never removes anything outside the folder it was given. ` +
        `Pass --state ${refusal.target} instead. Nothing was changed.`
      );
    case 'under-a-file':
      return `--state ${refusal.dir}: ${refusal.file} is a file, so no folder can be there. Pass --state with a folder. Nothing was changed.`;
    case 'foreign':
      return refusal.doing === 'destroy'
        ? `${refusal.dir} is not a lab's state folder: it holds no lab record (lab-state.json) and holds files hafarm did not make (${listNames(refusal.foreign)}). ` +
            `lab:destroy removes only what hafarm made, so it removed nothing. Check --state (default .lab).`
        : `${refusal.dir} holds files hafarm did not make (${listNames(refusal.foreign)}); a lab's state folder must be its own, because lab:destroy empties it. ` +
            `Pass --state with a new or empty folder (default .lab). Nothing was created.`;
    case 'machines-without-record':
      return (
        `${refusal.dir} has lost its record (lab-state.json), which names the lab and the provider that made its machines, but it still holds what machines leave (${listNames(refusal.traces)}). ` +
        `hafarm does not guess which provider made them: run lab:destroy --provider NAME (${orList(refusal.providers)}: the one the lab was brought up with) to destroy the machines of lab "${refusal.lab}" and this folder. Nothing was removed.`
      );
    case 'kernel':
      return `--state ${refusal.dir} is on ${refusal.kernel}: it holds no files of anyone's. Pass --state with a folder on a disk (default .lab). Nothing was changed.`;
    case 'mounted':
      return (
        `${refusal.dir} has file systems mounted inside it (${listNames(refusal.mounts, 3)}); removing the folder would reach into them. ` +
        `A lab's own machine disks are unmounted by lab:destroy (with --provider NAME where the folder lost its record); otherwise unmount them first. Nothing was removed.`
      );
  }
}

export class NotAStateFolder extends UserFacingError {
  constructor(readonly refusal: FolderRefusal) {
    super(formatFolderRefusal(refusal));
    this.name = 'NotAStateFolder';
  }
}
