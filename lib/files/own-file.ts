// The files hafarm writes as root into folders it made (the report, the captures): never through
// a symbolic link found there, which would make it write wherever the link points. A link in the
// way is refused, naming it; nothing is written through it. Each file is replaced whole
// (lib/files/target-folder.ts), so a full disk leaves the old one.
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolderChain, replaceFile } from './target-folder.ts';
import { UserFacingError } from '../user-facing-error.ts';
import { lstatOrUndefined } from './file-in-the-way.ts';

export class LinkInTheWay extends UserFacingError {
  constructor(
    readonly path: string,
    what: 'file' | 'folder',
  ) {
    super(
      `${path} is a symbolic link where hafarm writes a ${what} of its own: it is not followed. Remove it and run the command again.`,
    );
    this.name = 'LinkInTheWay';
  }
}

/** Opens for writing without following a link: O_NOFOLLOW (plain files only). */
export const OWN_FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/** The folder, made where missing; refused when it is a link. */
export function ownFolder(dir: string): void {
  if (lstatOrUndefined(dir)?.isSymbolicLink()) throw new LinkInTheWay(dir, 'folder');
  makeFolderChain(dir);
}

/** Makes ready to write a file in a folder of hafarm's: the folder exists, and no link stands at the file's place. */
export function claimOwnFile(path: string): void {
  ownFolder(dirname(path));
  if (lstatOrUndefined(path)?.isSymbolicLink()) throw new LinkInTheWay(path, 'file');
}

export function writeOwnFile(path: string, content: string, mode = 0o644): void {
  claimOwnFile(path);
  replaceFile(path, content, mode);
}
