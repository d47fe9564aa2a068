// A command's arguments split into hafarm's own and, for a command that runs a command line on a
// machine (lab:exec HOST CMD…), the machine's: everything after HOST is passed on untouched, its
// own --help and -- included, so `exec web1 ls --help` runs `ls --help` there.
import type { Command } from './command.ts';

export interface SplitArguments {
  /** hafarm's options and positionals, for parseArgs */
  own: string[];
  /** the machine's command line, after HOST (and after a `--` that follows HOST) */
  raw: string[];
  /** --help or -h among hafarm's own options */
  help: boolean;
}

/** Index of the first argument that is neither an option nor an option's value; after `--`, the next one. */
function firstPositional(args: readonly string[], command: Command): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return i + 1 < args.length ? i + 1 : -1;
    if (!arg.startsWith('-')) return i;
    const name = arg.replace(/^--?/, '').split('=')[0]!;
    if (command.options[name]?.type === 'string' && !arg.includes('=')) i++;
  }
  return -1;
}

export function splitArguments(command: Command, args: readonly string[]): SplitArguments {
  let own = [...args];
  let raw: string[] = [];
  if (command.rawAfterFirstPositional) {
    const at = firstPositional(args, command);
    if (at !== -1) [own, raw] = [args.slice(0, at + 1), args.slice(at + 1)];
    if (raw[0] === '--') raw = raw.slice(1);
  }
  // After `--` nothing is an option of hafarm's, --help included.
  const options = own.includes('--') ? own.slice(0, own.indexOf('--')) : own;
  return { own, raw, help: options.includes('--help') || options.includes('-h') };
}
