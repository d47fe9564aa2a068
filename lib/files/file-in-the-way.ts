// Reading what is at a path without following it, and what stands where a folder is to be made.
import { lstatSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

/** The entry's own stats (a link is not followed), or undefined when nothing is there. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    // ENOTDIR: a part above is a file, so nothing is here either.
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

/** The path itself or the nearest existing part above it, when that is not a folder (links followed: /tmp may be one). */
export function fileInTheWay(path: string): string | undefined {
  for (let part = path; ; part = dirname(part)) {
    if (lstatOrUndefined(part)) return statSync(part, { throwIfNoEntry: false })?.isDirectory() ? undefined : part;
    if (part === dirname(part)) return undefined;
  }
}
