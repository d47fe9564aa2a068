// What a --state path holds, entry by entry: hafarm's own entries (a known name of the right kind)
// and everything else. Removal takes hafarm's entries only, never through a link or a mount.
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  rmSync,
  type Stats,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileInTheWay, lstatOrUndefined } from '../files/file-in-the-way.ts';
import { kernelFileSystemOf } from '../files/kernel-file-systems.ts';
import { isStateEntry, type StateLayout } from './state-entries.ts';
import { describeFileType } from './state-json.ts';
import { NotAStateFolder } from './state-problems.ts';

export type StateFolderContents = { kind: 'absent' } | { kind: 'folder'; ours: string[]; foreign: string[] };

/** An entry is hafarm's when it bears one of hafarm's names and is the kind hafarm makes there. */
function isOwnEntry(layout: StateLayout, name: string, stats: Stats): boolean {
  if (!isStateEntry(layout, name)) return false;
  return layout.entries[name] === 'file' ? stats.isFile() : stats.isDirectory();
}

/** Reads what the path holds; NotAStateFolder when it is not a folder or cannot become one. */
export function inspectStateFolder(dir: string, layout: StateLayout): StateFolderContents {
  const kernel = kernelFileSystemOf(dir);
  if (kernel) throw new NotAStateFolder({ reason: 'kernel', dir, kernel });
  const stats = lstatOrUndefined(dir);
  if (!stats) {
    // The folder will be made along its path: that needs folders above it, not a file.
    const file = fileInTheWay(dirname(dir));
    if (file) throw new NotAStateFolder({ reason: 'under-a-file', dir, file });
    return { kind: 'absent' };
  }
  if (stats.isSymbolicLink())
    throw new NotAStateFolder({ reason: 'symlink', dir, target: resolve(dirname(dir), readlinkSync(dir)) });
  if (!stats.isDirectory())
    throw new NotAStateFolder({
      reason: 'not-a-folder',
      dir,
      what: stats.isFile() ? 'a file' : describeFileType(stats),
    });
  const ours: string[] = [];
  const foreign: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (isOwnEntry(layout, name, lstatSync(resolve(dir, name)))) ours.push(name);
    else foreign.push(name);
  }
  return { kind: 'folder', ours, foreign };
}

/** Mount points below the folder (Linux): removing them would reach another file system. */
export function mountsInside(dir: string): string[] {
  if (!existsSync('/proc/self/mounts')) return [];
  const real = realpathSync(dir);
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) =>
      (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      ),
    )
    .filter((target) => target.startsWith(`${real}/`));
}

export interface Removal {
  removed: string[];
  /** entries hafarm did not make, left where they are */
  kept: string[];
  /** the folder itself: removed once nothing was left in it, kept when it is a mount point */
  folder: 'removed' | 'kept' | 'mount point';
}

/** Removes an empty folder, unless a file system is mounted on it (the user's, then). */
function removeEmptyFolder(dir: string): 'removed' | 'mount point' {
  try {
    rmdirSync(dir);
    return 'removed';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EBUSY') return 'mount point';
    throw error;
  }
}

/** Removes hafarm's entries (links inside them are removed, not followed), then the folder if it is empty. */
export function removeOwnEntries(dir: string, layout: StateLayout): Removal {
  const contents = inspectStateFolder(dir, layout);
  if (contents.kind === 'absent') return { removed: [], kept: [], folder: 'kept' };
  const mounts = mountsInside(dir);
  if (mounts.length > 0) throw new NotAStateFolder({ reason: 'mounted', dir, mounts });
  for (const name of contents.ours) rmSync(resolve(dir, name), { recursive: true, force: true });
  return {
    removed: contents.ours,
    kept: contents.foreign,
    folder: contents.foreign.length === 0 ? removeEmptyFolder(dir) : 'kept',
  };
}
