// What every command needs of the place it runs in, checked before anything else: a current
// folder that still exists (relative paths are read against it) and, where TMPDIR is set, a
// temporary folder that exists (the syntax checks and the proxies make folders in it).
import { statSync } from 'node:fs';
import { UserFacingError } from '../user-facing-error.ts';

export function checkWorkingPlace(): void {
  try {
    process.cwd();
  } catch {
    throw new UserFacingError(
      'the current folder no longer exists (it was removed or moved while this shell stood in it); cd into an existing folder and run the command again. Nothing was changed.',
    );
  }
  const tmp = process.env.TMPDIR;
  if (tmp !== undefined && tmp !== '' && !statSync(tmp, { throwIfNoEntry: false })?.isDirectory())
    throw new UserFacingError(
      `TMPDIR=${tmp} is not an existing folder, and hafarm makes temporary folders there; set TMPDIR to an existing folder, or unset it. Nothing was changed.`,
    );
}
