import { prepareHostFor, resolveProvider, requirePrerequisites } from '../../providers/select-provider.ts';
import type { Command } from '../command.ts';
import {
  LAB_OPTION_HELP,
  LAB_OPTIONS,
  PROVIDER_OPTION,
  PROVIDER_OPTION_HELP,
  checkedLabContext,
  providerChoice,
} from '../lab-options.ts';
import { withMachineProgress } from '../machine-progress.ts';

export const upCommand: Command = {
  name: 'up',
  summary: 'build and boot every machine of the lab (T1); re-run it to finish an interrupted run',
  usage: 'up [--provider NAME] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, ...PROVIDER_OPTION },
  optionHelp: { ...PROVIDER_OPTION_HELP, ...LAB_OPTION_HELP },
  async run(args) {
    const { lab, state } = checkedLabContext(args);
    // Before the prerequisites: a folder that cannot be this lab's is refused whatever the host has.
    state.checkOwnFolder();
    const choice = state.read()?.provider ?? providerChoice(args, lab);
    // The provider installs what this host lacks where it knows how, saying so: lab:up alone on a
    // bare host goes as far as npm run lab does.
    await prepareHostFor(choice, lab, state, (line) => console.log(line));
    const provider = await resolveProvider(providerChoice(args, lab), lab, state, (line) => console.log(line));
    await requirePrerequisites(provider);
    state.claim(lab, provider.name);
    console.log(
      `lab "${lab.name}": bringing ${lab.hosts.length} machines up with ${provider.name} (state in ${state.dir})`,
    );
    const notice = provider.upNotice?.();
    if (notice) console.log(notice);
    await withMachineProgress(
      lab.hosts.map((h) => h.name),
      'boot',
      (onEvent) => provider.up(onEvent),
    );
    return 0;
  },
};
