// Errors the user can act on (UserFacingError) are printed as their message alone; anything else
// is a bug in hafarm and keeps its stack.
import { UserFacingError } from '../user-facing-error.ts';
import { fileSystemProblem } from './file-system-problem.ts';

export function reportError(error: unknown): number {
  if (error instanceof UserFacingError) {
    console.error(`hafarm: ${error.message}`);
    return error.exitCode;
  }
  const fileSystem = fileSystemProblem(error);
  if (fileSystem) {
    console.error(`hafarm: ${fileSystem}`);
    return 1;
  }
  console.error('hafarm: unexpected error (please report it):');
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
}
