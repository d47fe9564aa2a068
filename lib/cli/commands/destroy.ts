import { cacheBytes, cacheDir } from '../../providers/netns/base-image.ts';
import { createProvider } from '../../providers/select-provider.ts';
import type { Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext } from '../lab-options.ts';

export const destroyCommand: Command = {
  name: 'destroy',
  summary: 'remove every machine, network and file the lab made, and nothing else',
  usage: 'destroy [--lab FILE] [--state DIR]',
  options: LAB_OPTIONS,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const { lab, state } = labContext(args);
    const record = state.check(lab);
    if (!record) {
      if (state.exists()) state.remove();
      console.log(`lab "${lab.name}": nothing to destroy (no state in ${state.dir})`);
      return 0;
    }
    const provider = createProvider(record.provider, lab, state);
    await provider.destroy();
    state.remove();
    console.log(`lab "${lab.name}": destroyed (${provider.name}); ${state.dir} removed`);
    // Shared with the host's other labs, so kept; said so that its space is not a surprise.
    const cached = provider.name === 'netns' ? cacheBytes() : 0;
    if (cached > 0) console.log(`kept: the base images in ${cacheDir()} (${Math.round(cached / 2 ** 20)} MiB), shared by every netns lab of this host; delete that folder once none is left`);
    return 0;
  },
};
