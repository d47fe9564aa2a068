// Errors the user can act on (UserFacingError) are printed as their message alone, as are the
// file system's (a full disk, a read-only folder). Anything else is a bug in hafarm: one line with
// its cause, and the stack only when HAFARM_DEBUG is set, so no stack reaches a user unasked. A
// message may quote what the user typed (an option's value, a host name, a file name): its
// control characters are printed as escapes, so that none acts on the terminal; its lines stay lines.
import { printable } from '../printable.ts';
import { UserFacingError } from '../user-facing-error.ts';
import { fileSystemProblem } from '../files/file-problem.ts';

/** Set (to anything but "" or 0) to see a bug's stack. */
export const DEBUG_VARIABLE = 'HAFARM_DEBUG';

function terminalSafe(message: string): string {
  return message.split('\n').map(printable).join('\n');
}

function debugging(): boolean {
  const value = process.env[DEBUG_VARIABLE];
  return value !== undefined && value !== '' && value !== '0';
}

/** The cause of a bug in one line: its class and the first line of its message. */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split('\n')[0]!.slice(0, 300);
  const first = (error.message.split('\n')[0] ?? '').slice(0, 300);
  return `${error.name}${first ? `: ${first}` : ''}`;
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
  if (debugging()) {
    console.error('hafarm: unexpected error (please report it):');
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  } else
    console.error(
      `hafarm: unexpected error (please report it, with the output of the same command run with ${DEBUG_VARIABLE}=1): ${terminalSafe(causeOf(error))}`,
    );
  return 1;
}
