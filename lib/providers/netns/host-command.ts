// Commands on the Linux host for the namespace provider, with the command's own words on failure.
// node's own execFile, not execa: lab:status and lab:link run a dozen of these and should not wait
// for a package to load first.
import { execFile } from 'node:child_process';
import { UserFacingError } from '../../user-facing-error.ts';
import type { HostTool } from '../host-tools.ts';

export class HostCommandFailed extends UserFacingError {
  override name = 'HostCommandFailed';
}

interface Outcome {
  /** the exit code; undefined when the program did not run or was ended (timeout, signal) */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** why it did not run or did not end by itself */
  error?: string;
}

function execute(command: string, args: string[], options: { input?: string; timeoutMs: number }): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { encoding: 'utf8', timeout: options.timeoutMs, maxBuffer: 256 * 1024 * 1024 },
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

/** Its output, the final newline taken off; HostCommandFailed when it exits other than 0. */
export async function run(
  command: HostTool,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const result = await execute(command, args, {
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  if (result.exitCode !== 0) {
    throw new HostCommandFailed(
      `${command} ${args.join(' ')} failed (${result.error ?? `exit ${result.exitCode}`}): ${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result.stdout.replace(/\r?\n$/, '');
}

/** Like run, but for clean-up: a resource that is already gone is fine. */
export async function attempt(command: HostTool, args: string[]): Promise<boolean> {
  return (await execute(command, args, { timeoutMs: 60_000 })).exitCode === 0;
}
