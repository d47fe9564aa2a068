import { resolveProvider } from '../../providers/select-provider.ts';
import type { Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext } from '../lab-options.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: "each machine's state as the provider reports it",
  usage: 'status [--lab FILE] [--state DIR]',
  options: LAB_OPTIONS,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const { lab, state } = labContext(args);
    const record = state.check(lab);
    if (!record) {
      console.log(`lab "${lab.name}" has not been brought up (no state in ${state.dir}); run lab:up`);
      return 0;
    }
    const provider = await resolveProvider(record.provider, lab, state);
    const machines = await provider.status();
    const width = Math.max(...machines.map((m) => m.host.length), 4);
    console.log(`lab "${lab.name}" (${provider.name}, state in ${state.dir})`);
    for (const m of machines) console.log(`  ${m.host.padEnd(width)}  ${m.state}${m.detail && m.detail !== m.state ? ` (${m.detail})` : ''}`);
    return 0;
  },
};
