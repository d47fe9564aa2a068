// Commands on the Linux host for the namespace provider, with the command's own words on failure.
import { execa } from 'execa';
import { UserFacingError } from '../../user-facing-error.ts';
import type { HostTool } from '../host-tools.ts';

export class HostCommandFailed extends UserFacingError {
  override name = 'HostCommandFailed';
}

export async function run(command: HostTool, args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const result = await execa(command, args, { reject: false, timeout: options.timeoutMs ?? 60_000, ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }) });
  if (result.exitCode !== 0) {
    throw new HostCommandFailed(`${command} ${args.join(' ')} failed (exit ${result.exitCode}): ${String(result.stderr || result.stdout).trim()}`);
  }
  return String(result.stdout);
}

/** Like run, but for clean-up: a resource that is already gone is fine. */
export async function attempt(command: HostTool, args: string[]): Promise<boolean> {
  const result = await execa(command, args, { reject: false, timeout: 60_000, stdin: 'ignore' });
  return result.exitCode === 0;
}
