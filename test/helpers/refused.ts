// A refusal as the project wants it: the exit status, a message and no stack trace, and every
// file under the folder exactly as it was.
import { expect } from 'vitest';
import { hafarm } from './cli.ts';
import { treeOf } from './tree.ts';

export async function expectRefused(
  dir: string,
  args: string[],
  options: { cwd?: string; exitCode?: number; wrapper?: string[] } = {},
): Promise<string> {
  const before = treeOf(dir);
  const result = await hafarm(args, {
    cwd: options.cwd ?? dir,
    ...(options.wrapper ? { wrapper: options.wrapper } : {}),
  });
  expect(result.stderr).not.toContain('unexpected error');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.exitCode, result.stderr).toBe(options.exitCode ?? 1);
  expect(treeOf(dir)).toEqual(before);
  return result.stderr;
}
