// Output that could not be written (stdout on a full disk, a closed pipe) is not success: the
// error is kept when it happens and said on stderr once the command is done, with a non-zero exit.
import { reasonOf } from '../files/file-problem.ts';

export interface StdoutWatch {
  /** waits until stdout has taken everything; the one-line problem when some of it was lost */
  flushed(): Promise<string | undefined>;
}

export function watchStdout(): StdoutWatch {
  let failure: NodeJS.ErrnoException | undefined;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => (failure ??= error));
  return {
    async flushed() {
      if (!failure && process.stdout.writable)
        await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
      // A failed write destroys the stream at once and says so a tick later.
      failure ??= (process.stdout.errored as NodeJS.ErrnoException | null) ?? undefined;
      if (!failure) return undefined;
      if (failure.code === 'EPIPE')
        return 'the output was cut off: what reads it (a pipe) closed before all of it was written (EPIPE)';
      return `the output was not (all) written to standard output: ${reasonOf(failure.code) ?? failure.message} (${failure.code ?? 'error'}); send it where it can be written`;
    },
  };
}
