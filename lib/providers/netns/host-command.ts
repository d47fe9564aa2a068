// Commands on the Linux host for the namespace provider, with the command's own words on failure.
import { UserFacingError } from '../../user-facing-error.ts';
import type { HostTool } from '../host-tools.ts';
import { execute } from '../run-program.ts';

export class HostCommandFailed extends UserFacingError {
  override name = 'HostCommandFailed';
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
