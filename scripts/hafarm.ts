#!/usr/bin/env node
// hafarm's command line: `npm run lab:<command> -- [options]` or `hafarm <command> [options]`.
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../lib/cli/command.ts';
import { reportError } from '../lib/cli/report-error.ts';
import { captureCommand } from '../lib/cli/commands/capture.ts';
import { destroyCommand } from '../lib/cli/commands/destroy.ts';
import { labCommand } from '../lib/cli/commands/lab.ts';
import { provisionCommand } from '../lib/cli/commands/provision.ts';
import { haltCommand, startCommand } from '../lib/cli/commands/power.ts';
import { execCommand, sshCommand } from '../lib/cli/commands/remote-shell.ts';
import { graphCommand } from '../lib/cli/commands/graph.ts';
import { holdConnectionsCommand } from '../lib/cli/commands/hold-connections.ts';
import { inventoryCommand } from '../lib/cli/commands/inventory.ts';
import { sshConfigCommand } from '../lib/cli/commands/ssh-config.ts';
import { renderCommand } from '../lib/cli/commands/render.ts';
import { statusCommand } from '../lib/cli/commands/status.ts';
import { linkCommand } from '../lib/cli/commands/link.ts';
import { openCommand } from '../lib/cli/commands/open.ts';
import { upCommand } from '../lib/cli/commands/up.ts';
import { validateCommand } from '../lib/cli/commands/validate.ts';
import { verifyCommand } from '../lib/cli/commands/verify.ts';

const COMMANDS: Command[] = [
  labCommand,
  upCommand,
  provisionCommand,
  verifyCommand,
  statusCommand,
  haltCommand,
  startCommand,
  linkCommand,
  openCommand,
  sshCommand,
  execCommand,
  sshConfigCommand,
  inventoryCommand,
  captureCommand,
  destroyCommand,
  renderCommand,
  graphCommand,
  validateCommand,
  holdConnectionsCommand,
];

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

/** Index of the first argument that is neither an option nor an option's value. */
function firstPositional(args: string[], command: Command): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) return i;
    const name = arg.replace(/^--?/, '').split('=')[0]!;
    if (command.options[name]?.type === 'string' && !arg.includes('=')) i++;
  }
  return -1;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(overview());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}" (commands: ${LISTED.map((c) => c.name).join(', ')})`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(command));
    return 0;
  }
  let own = rest;
  let raw: string[] = [];
  if (command.rawAfterFirstPositional) {
    const at = firstPositional(rest, command);
    if (at !== -1) [own, raw] = [rest.slice(0, at + 1), rest.slice(at + 1)];
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error);
  },
);
