// Every command of hafarm's, one line each: the CLI (scripts/hafarm.ts) and the tests that walk
// them all read this list.
import type { Command } from './command.ts';
import { captureCommand } from './commands/capture.ts';
import { classCommand } from './commands/class.ts';
import { destroyCommand } from './commands/destroy.ts';
import { labCommand } from './commands/lab.ts';
import { provisionCommand } from './commands/provision.ts';
import { haltCommand, startCommand } from './commands/power.ts';
import { execCommand, sshCommand } from './commands/remote-shell.ts';
import { graphCommand } from './commands/graph.ts';
import { importCommand } from './commands/import.ts';
import { holdConnectionsCommand } from './commands/hold-connections.ts';
import { inventoryCommand } from './commands/inventory.ts';
import { sshConfigCommand } from './commands/ssh-config.ts';
import { renderCommand } from './commands/render.ts';
import { statusCommand } from './commands/status.ts';
import { linkCommand } from './commands/link.ts';
import { openCommand } from './commands/open.ts';
import { upCommand } from './commands/up.ts';
import { validateCommand } from './commands/validate.ts';
import { verifyCommand } from './commands/verify.ts';

/** Every command, in the order --help lists them. */
export const COMMANDS: Command[] = [
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
  importCommand,
  classCommand,
  holdConnectionsCommand,
];
