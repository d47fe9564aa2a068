// Where lab:ssh-config and lab:inventory put what they write: stdout, or with --out a file only
// its owner may read, since it says how to log in to every machine with the lab's key.
import { closeSync, constants, fchmodSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { lstatOrUndefined } from '../state/file-in-the-way.ts';
import { stringOption, UsageError, type OptionSpec, type ParsedCommandLine } from './command.ts';

export const OUT_OPTION: OptionSpec = { out: { type: 'string' } };

/** --out's file, absolute, checked before any machine is asked; undefined for stdout. */
export function outFile(args: ParsedCommandLine): string | undefined {
  const given = stringOption(args, 'out');
  if (given === undefined) return undefined;
  const file = resolve(given);
  const problem = !statSync(dirname(file), { throwIfNoEntry: false })?.isDirectory()
    ? `${dirname(file)} is not an existing folder`
    : lstatOrUndefined(file)?.isSymbolicLink()
      ? 'it is a symbolic link, which hafarm does not write through'
      : lstatOrUndefined(file)?.isDirectory()
        ? 'that is a folder'
        : undefined;
  if (problem)
    throw new UsageError(`--out ${given}: ${problem} (allowed: a file in an existing folder, written with mode 600)`);
  return file;
}

export function writeConfig(text: string, file: string | undefined): void {
  if (file === undefined) {
    process.stdout.write(text);
    return;
  }
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    // A file that was there keeps its mode through open: made 600 before anything is written.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
