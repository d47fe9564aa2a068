#!/usr/bin/env node
// hafarm's command line: `npm run lab:<command> -- [options]` or `hafarm <command> [options]`.
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../lib/cli/command.ts';
import { reportError } from '../lib/cli/report-error.ts';
import { COMMANDS } from '../lib/cli/command-list.ts';
import { splitArguments } from '../lib/cli/command-line.ts';
import { UserFacingError } from '../lib/user-facing-error.ts';
import { checkWorkingPlace } from '../lib/cli/working-place.ts';
import { watchStdout } from '../lib/cli/stdout-errors.ts';

const LISTED = COMMANDS.filter((c) => !c.hidden);

function overview(): string {
  const width = Math.max(...LISTED.map((c) => c.name.length));
  return [
    'usage: hafarm <command> [options]   (npm run lab:<command> -- [options])',
    '',
    ...LISTED.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'hafarm <command> --help shows its options.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const width = Math.max(...Object.keys(command.optionHelp).map((k) => k.length), 0);
  return [
    `usage: hafarm ${command.usage}`,
    '',
    command.summary,
    '',
    ...Object.entries(command.optionHelp).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}" (commands: ${LISTED.map((c) => c.name).join(', ')})`);
  const { own, raw, help } = splitArguments(command, rest);
  if (help) {
    console.log(commandHelp(command));
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: own, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${commandHelp(command)}`);
  }
  const extra = parsed.positionals.slice(command.positionals?.length ?? 0);
  if (extra.length > 0) {
    const takes = command.positionals?.length ? `takes ${command.positionals.join(' ')}` : 'takes no arguments';
    throw new UsageError(`${command.name} ${takes}: unexpected "${extra.join(' ')}" (usage: hafarm ${command.usage})`);
  }
  return command.run({ values: parsed.values, positionals: [...parsed.positionals, ...raw] });
}

// The last resort: an error no command caught, even one thrown from a timer or an event, ends
// the process with one line (lib/cli/report-error.ts), never a stack.
function fail(error: unknown): void {
  process.exitCode = reportError(error);
  process.exit();
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

const stdout = watchStdout();
async function run(): Promise<number> {
  checkWorkingPlace();
  const code = await main(process.argv.slice(2));
  const lost = await stdout.flushed();
  if (lost) throw new UserFacingError(lost);
  return code;
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);
