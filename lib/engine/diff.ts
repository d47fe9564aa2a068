// Before/after of a file as a unified diff, for --diff.
import { requireOnFirstUse } from '../load-on-first-use.ts';

const diffPackage = requireOnFirstUse<typeof import('diff')>('diff');

export function fileDiff(path: string, before: string | undefined, after: string | undefined): string {
  return diffPackage()
    .createTwoFilesPatch(
      before === undefined ? '/dev/null' : `${path} (before)`,
      after === undefined ? '/dev/null' : `${path} (after)`,
      before ?? '',
      after ?? '',
      undefined,
      undefined,
      { context: 3 },
    )
    .split('\n')
    .slice(1)
    .join('\n');
}

export function attributeDiff(path: string, before: Record<string, string>, after: Record<string, string>): string {
  const lines = Object.keys(after)
    .filter((key) => before[key] !== after[key])
    .map((key) => `${path}: ${key} ${before[key] ?? '(none)'} -> ${after[key]}`);
  return lines.join('\n');
}
