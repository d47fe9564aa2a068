import type { Command } from '../command.ts';
import { hostArgument, LAB_OPTION_HELP, LAB_OPTIONS, runningLab } from '../lab-options.ts';

export const haltCommand: Command = {
  name: 'halt',
  summary: 'power one machine off at once, as pulling its plug (V3, V4)',
  usage: 'halt HOST [--lab FILE] [--state DIR]',
  options: LAB_OPTIONS,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const { lab, provider } = runningLab(args);
    const host = hostArgument(args, lab, 'npm run lab:halt -- HOST');
    await provider.powerOff(host);
    console.log(`${host}: powered off`);
    return 0;
  },
};

export const startCommand: Command = {
  name: 'start',
  summary: 'power one machine on again, with the same disk (V5)',
  usage: 'start HOST [--lab FILE] [--state DIR]',
  options: LAB_OPTIONS,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const { lab, provider } = runningLab(args);
    const host = hostArgument(args, lab, 'npm run lab:start -- HOST');
    await provider.powerOn(host);
    console.log(`${host}: running`);
    return 0;
  },
};
