// Where lab:ssh-config and lab:inventory put what they write: stdout, or with --out a file only
// its owner may read, since it says how to log in to every machine with the lab's key. The file
// goes through the one writer: never through a link, never over a file of the user's without
// --force, whole or not at all.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TargetFolder } from '../files/target-folder.ts';
import type { LabStateDir } from '../state/lab-state.ts';
import { stringOption, UsageError, type OptionSpec, type ParsedCommandLine } from './command.ts';
import { FORCE_HELP, FORCE_OPTION, outputFile, writeOutputs } from './output-files.ts';

export const OUT_OPTION: OptionSpec = { out: { type: 'string' }, ...FORCE_OPTION };

export const OUT_HELP: Record<string, string> = {
  '--out FILE': 'write it into FILE (mode 600) instead of stdout',
  ...FORCE_HELP,
};

export interface ConfigFile {
  folder: TargetFolder;
  name: string;
  state: LabStateDir;
}

/** --out's file, checked before any machine is asked; undefined for stdout. */
export function outFile(args: ParsedCommandLine, state: LabStateDir): ConfigFile | undefined {
  const given = stringOption(args, 'out');
  if (given === undefined) return undefined;
  const file = resolve(given);
  if (!statSync(dirname(file), { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(
      `--out ${given}: ${dirname(file)} is not an existing folder (allowed: a file in an existing folder, written with mode 600)`,
    );
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(
      `--out ${given}: that is a folder (allowed: a file in an existing folder, written with mode 600)`,
    );
  const { folder, name } = outputFile(file, state, args);
  // What stands at the file's place is refused now, not after the machines were asked.
  folder.check([{ path: name, content: '' }]);
  return { folder, name, state };
}

export function writeConfig(text: string, file: ConfigFile | undefined): void {
  if (file === undefined) {
    process.stdout.write(text);
    return;
  }
  writeOutputs(file.folder, file.state, [{ path: file.name, content: text, mode: 0o600 }]);
}
