// Errors the user can act on (UserFacingError) are printed as their message alone; anything else
// is a bug in hafarm and keeps its stack. A message may quote what the user typed (an option's
// value, a host name, a file name): its control characters are printed as escapes, so that none
// acts on the terminal; its lines stay lines.
import { printable } from '../lab/printable.ts';
import { UserFacingError } from '../user-facing-error.ts';
import { fileSystemProblem } from './file-system-problem.ts';

function terminalSafe(message: string): string {
  return message.split('\n').map(printable).join('\n');
}

export function reportError(error: unknown): number {
  if (error instanceof UserFacingError) {
    console.error(`hafarm: ${terminalSafe(error.message)}`);
    return error.exitCode;
  }
  const fileSystem = fileSystemProblem(error);
  if (fileSystem) {
    console.error(`hafarm: ${terminalSafe(fileSystem)}`);
    return 1;
  }
  console.error('hafarm: unexpected error (please report it):');
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
}
