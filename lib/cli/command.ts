// A CLI command: its options (node's parseArgs shape), a one-line summary for --help, and run().
import type { ParseArgsConfig } from 'node:util';
import { UserFacingError } from '../user-facing-error.ts';

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
  /** names of the positional arguments it takes, e.g. ['HOST']; none when absent. More are refused. */
  positionals?: readonly string[];
  /** not listed by --help: a process hafarm starts for itself (the connection holder) */
  hidden?: boolean;
  /** arguments after the first positional are passed on untouched (a remote command line) */
  rawAfterFirstPositional?: boolean;
  /** resolves to the process exit code */
  run(args: ParsedCommandLine): Promise<number>;
}

export class UsageError extends UserFacingError {
  override name = 'UsageError';
  /** 2, as for any command given the wrong arguments */
  override readonly exitCode = 2;
}

export function stringOption(args: ParsedCommandLine, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A comma-separated list: undefined when the option is absent; an empty entry is refused (",,," named every host). */
export function listOption(args: ParsedCommandLine, name: string, allowed: string): string[] | undefined {
  const value = stringOption(args, name);
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new UsageError(`--${name}: "${value}" has an empty entry (allowed: ${allowed})`);
  return items;
}

/** A number written in decimal digits only (Number() would also read "0x10", "1e3" and " 5"). */
export function numberOption(
  args: ParsedCommandLine,
  name: string,
  allowed: { what: string; fraction: boolean; min: number; max: number },
): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  const shape = allowed.fraction ? /^\d{1,9}(\.\d{1,9})?$/ : /^\d{1,9}$/;
  if (!shape.test(text) || value < allowed.min || value > allowed.max) {
    throw new UsageError(
      `--${name}: "${text}" is not allowed (${allowed.what} from ${allowed.min} to ${allowed.max}, in decimal digits)`,
    );
  }
  return value;
}
