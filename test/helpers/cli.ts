// Runs the real hafarm CLI as a user would, in a folder of the test's choosing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const TUTORIAL_LAB = join(PROJECT_DIR, 'lab.yaml');
export const FOUR_WEB_LAB = join(PROJECT_DIR, 'test/fixtures/labs/four-web.yaml');
export const KEEPALIVED_THREE_LAB = join(PROJECT_DIR, 'test/fixtures/labs/keepalived-three.yaml');

/**
 * `wrapper`: a command line hafarm runs under, e.g. setpriv to drop root, unshare for a mount of
 * its own; `project`: another copy of the project to run (this one by default).
 */
export async function hafarm(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; wrapper?: string[]; project?: string; timeoutMs?: number },
) {
  const command = [
    ...(options.wrapper ?? []),
    process.execPath,
    join(options.project ?? PROJECT_DIR, 'bin/hafarm.js'),
    ...args,
  ];
  const result = await execa(command[0]!, command.slice(1), {
    cwd: options.cwd,
    env: options.env,
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A scratch folder removed after the test, pass or fail. */
export function scratchDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `hafarm-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
