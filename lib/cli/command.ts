// A CLI command: its options (node's parseArgs shape), a one-line summary for --help, and run().
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommandLine {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** documentation of each option, shown by --help */
  optionHelp: Record<string, string>;
  /** arguments after the first positional are passed on untouched (a remote command line) */
  rawAfterFirstPositional?: boolean;
  /** resolves to the process exit code */
  run(args: ParsedCommandLine): Promise<number>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function stringOption(args: ParsedCommandLine, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}
