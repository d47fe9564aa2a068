// The docker command line, the one way the Docker provider talks to a daemon: Docker Engine,
// Docker Desktop, OrbStack, Colima and Podman's docker-compatible CLI all speak it, and it takes
// DOCKER_HOST and the current context as the user set them. Argument arrays only, never a shell.
import { UserFacingError } from '../../user-facing-error.ts';
import { execute } from '../run-program.ts';

export class DockerCommandFailed extends UserFacingError {
  override name = 'DockerCommandFailed';
}

/** The program: `docker`, or what HAFARM_DOCKER names (e.g. `podman`). */
export function dockerProgram(): string {
  return process.env.HAFARM_DOCKER || 'docker';
}

export interface DockerResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  error?: string;
}

/** Runs docker; its outcome whatever the exit code. */
export function dockerOutcome(
  args: string[],
  options: { timeoutMs?: number; input?: string } = {},
): Promise<DockerResult> {
  return execute(dockerProgram(), args, {
    timeoutMs: options.timeoutMs ?? 120_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
}

/** Its output, the final newline taken off; DockerCommandFailed, with docker's own words, when it fails. */
export async function docker(args: string[], options: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  const result = await dockerOutcome(args, options);
  if (result.exitCode !== 0) {
    const said = (result.stderr || result.stdout).trim();
    throw new DockerCommandFailed(
      `${dockerProgram()} ${args.slice(0, 3).join(' ')} failed (${result.error ?? `exit ${result.exitCode}`})${said ? `: ${said}` : ''}`,
    );
  }
  return result.stdout.replace(/\r?\n$/, '');
}

/** Each line of output parsed as JSON (docker … --format '{{json .}}'). */
export async function dockerJsonLines<T>(args: string[]): Promise<T[]> {
  const out = await docker(args);
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
