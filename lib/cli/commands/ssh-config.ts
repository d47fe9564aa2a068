import { renderSshConfig } from '../../outside/ssh-config.ts';
import type { Command } from '../command.ts';
import { OUT_HELP, OUT_OPTION, outFile, writeConfig } from '../config-output.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';
import { noteOnStderr, outsideLab } from '../outside-machines.ts';

export const sshConfigCommand: Command = {
  name: 'ssh-config',
  summary:
    "an OpenSSH client config of the running machines (ssh -F FILE HOST), host keys checked against the lab's known_hosts",
  usage: 'ssh-config [--out FILE] [--force] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, ...OUT_OPTION },
  optionHelp: { ...OUT_HELP, ...LAB_OPTION_HELP },
  async run(args) {
    const context = labContext(args);
    const file = outFile(args, context.state);
    writeConfig(renderSshConfig(await outsideLab(upLab(context), noteOnStderr)), file);
    return 0;
  },
};
