import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderVagrantfile } from '../../../Vagrantfile.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext } from '../lab-options.ts';

export const renderCommand: Command = {
  name: 'render',
  summary: 'write what the lab will put in place (the Vagrantfile) into a folder, without creating any machine',
  usage: 'render --out DIR [--lab FILE]',
  options: { ...LAB_OPTIONS, out: { type: 'string' } },
  optionHelp: { '--out DIR': 'folder to write into (created if needed)', ...LAB_OPTION_HELP },
  async run(args) {
    const out = stringOption(args, 'out');
    if (!out) throw new UsageError('render needs --out DIR: the folder to write the rendered files into');
    const { lab } = labContext(args);
    const dir = resolve(out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Vagrantfile'), renderVagrantfile(lab));
    console.log(`${join(dir, 'Vagrantfile')}: ${lab.hosts.length} machines of lab "${lab.name}"`);
    return 0;
  },
};
