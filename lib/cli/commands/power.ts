import type { LabProvider } from '../../providers/provider.ts';
import type { Command } from '../command.ts';
import { hostArgument, LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';

function powerCommand(
  name: 'halt' | 'start',
  summary: string,
  act: (provider: LabProvider, host: string) => Promise<void>,
  done: string,
): Command {
  return {
    name,
    summary,
    usage: `${name} HOST [--lab FILE] [--state DIR]`,
    positionals: ['HOST'],
    options: LAB_OPTIONS,
    optionHelp: LAB_OPTION_HELP,
    async run(args) {
      const context = labContext(args);
      const host = hostArgument(args, context.lab, `npm run lab:${name} -- HOST`);
      const { provider } = upLab(context);
      await act(provider, host);
      console.log(`${host}: ${done}`);
      return 0;
    },
  };
}

export const haltCommand = powerCommand(
  'halt',
  'power one machine off at once, as pulling its plug (V3, V4)',
  (p, h) => p.powerOff(h),
  'powered off',
);
export const startCommand = powerCommand(
  'start',
  'power one machine on again, with the same disk (V5)',
  (p, h) => p.powerOn(h),
  'running',
);
