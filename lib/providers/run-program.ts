// A program of this host run with an argument array (never a shell), its output and exit code
// kept: what every provider's runner (the namespace provider's host commands, the docker CLI)
// builds on. node's own execFile, not execa: lab:status runs a dozen of these and should not
// wait for a package to load first.
import { execFile } from 'node:child_process';

export interface Outcome {
  /** the exit code; undefined when the program did not run or was ended (timeout, signal) */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** why it did not run or did not end by itself */
  error?: string;
}

export function execute(
  command: string,
  args: string[],
  options: { input?: string; timeoutMs: number; killSignal?: NodeJS.Signals },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      {
        encoding: 'utf8',
        timeout: options.timeoutMs,
        maxBuffer: 256 * 1024 * 1024,
        ...(options.killSignal ? { killSignal: options.killSignal } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ exitCode: 0, stdout, stderr });
        const exitCode = typeof error.code === 'number' ? error.code : undefined;
        const why =
          error.code === 'ENOENT'
            ? `${command} is not installed`
            : error.killed
              ? `ended after ${options.timeoutMs} ms (${error.signal ?? 'timeout'})`
              : undefined;
        resolve({ exitCode, stdout, stderr, ...(why ? { error: why } : {}) });
      },
    );
    // stdin is closed at once unless there is input: no command waits on the terminal (one
    // that exits before reading it must not end hafarm with EPIPE)
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
  });
}
