import { INVENTORY_FORMATS, renderInventory, type InventoryFormat } from '../../outside/ansible-inventory.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { OUT_HELP, OUT_OPTION, outFile, writeConfig } from '../config-output.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';
import { noteOnStderr, outsideLab } from '../outside-machines.ts';

function formatOption(given: string | undefined): InventoryFormat {
  if (given === undefined) return 'yaml';
  if (!(INVENTORY_FORMATS as readonly string[]).includes(given))
    throw new UsageError(`--format: "${given}" is not an inventory format (allowed: ${INVENTORY_FORMATS.join(', ')})`);
  return given as InventoryFormat;
}

export const inventoryCommand: Command = {
  name: 'inventory',
  summary:
    "an Ansible inventory of the running machines (groups balancers and web, each host's addresses as variables)",
  usage: 'inventory [--format yaml|ini] [--out FILE] [--force] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, ...OUT_OPTION, format: { type: 'string' } },
  optionHelp: {
    '--format FORMAT': `${INVENTORY_FORMATS.join(' | ')} (default: yaml)`,
    ...OUT_HELP,
    ...LAB_OPTION_HELP,
  },
  async run(args) {
    const context = labContext(args);
    const format = formatOption(stringOption(args, 'format'));
    const file = outFile(args, context.state);
    writeConfig(renderInventory(await outsideLab(upLab(context), noteOnStderr), format), file);
    return 0;
  },
};
