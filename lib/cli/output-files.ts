// Where commands write files the user asked for outside the state folder (lab:render, lab:graph,
// --out FILE): through the one writer (lib/files/target-folder.ts), replacing without --force
// only what hafarm itself wrote there (lib/state/written-files.ts).
import { basename, dirname, resolve } from 'node:path';
import { TargetFolder, type FileToWrite } from '../files/target-folder.ts';
import type { LabStateDir } from '../state/lab-state.ts';
import { WrittenFiles } from '../state/written-files.ts';
import type { OptionSpec, ParsedCommandLine } from './command.ts';

export const FORCE_OPTION: OptionSpec = { force: { type: 'boolean' } };

export const FORCE_HELP: Record<string, string> = {
  '--force': 'replace files in the way that hafarm did not write (or that were changed since it did)',
};

/** The folder an output goes into, with the rule for what may be replaced there. */
export function outputFolder(dir: string, label: string, state: LabStateDir, args: ParsedCommandLine): TargetFolder {
  const written = new WrittenFiles(state);
  const force = args.values.force === true;
  return new TargetFolder(dir, {
    label,
    mayReplace: (target, existing) => force || written.wroteExactly(target, existing),
    replaceHint: 'Pass --force to replace them, or another --out.',
  });
}

/** Writes the files (all checked first: a refusal writes none) and remembers them as hafarm's. */
export function writeOutputs(folder: TargetFolder, state: LabStateDir, files: readonly FileToWrite[]): string[] {
  folder.check(files);
  const targets = folder.write(files);
  new WrittenFiles(state).record(targets.map((target, i) => ({ target, content: files[i]!.content })));
  return targets;
}

/** One file given as --out FILE: its folder and its name in it. */
export function outputFile(
  file: string,
  state: LabStateDir,
  args: ParsedCommandLine,
): { folder: TargetFolder; name: string } {
  const target = resolve(file);
  return { folder: outputFolder(dirname(target), `--out ${target}`, state, args), name: basename(target) };
}
