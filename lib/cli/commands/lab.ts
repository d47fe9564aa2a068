import type { Command } from '../command.ts';
import { LANG_HELP, LANG_OPTION, langOption } from '../lang-option.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, PROVIDER_OPTION, PROVIDER_OPTION_HELP } from '../lab-options.ts';
import { provisionCommand } from './provision.ts';
import { upCommand } from './up.ts';
import { verifyCommand } from './verify.ts';

export const labCommand: Command = {
  name: 'lab',
  summary: 'the whole lab in one command: up, provision, then verify',
  usage: 'lab [--provider NAME] [--lang en|es] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, ...PROVIDER_OPTION, ...LANG_OPTION },
  optionHelp: { ...PROVIDER_OPTION_HELP, ...LANG_HELP, ...LAB_OPTION_HELP },
  async run(args) {
    // A --lang hafarm does not speak is refused before anything is built.
    langOption(args);
    // lab:up prepares the host for its provider, then builds the machines.
    const up = await upCommand.run(args);
    if (up !== 0) return up;
    console.log('');
    const labArgs = { values: { lab: args.values.lab, state: args.values.state }, positionals: [] };
    const provisioned = await provisionCommand.run(labArgs);
    if (provisioned !== 0) return provisioned;
    console.log('');
    return verifyCommand.run({ ...labArgs, values: { ...labArgs.values, lang: args.values.lang } });
  },
};
