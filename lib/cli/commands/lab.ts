import { execa } from 'execa';
import { missingHostPackages } from '../../providers/netns/prerequisites.ts';
import { libvirtMissing, virtualboxMissing } from '../../providers/vagrant/prerequisites.ts';
import type { Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, PROVIDER_OPTION, PROVIDER_OPTION_HELP, checkedLabContext, providerChoice } from '../lab-options.ts';
import { provisionCommand } from './provision.ts';
import { upCommand } from './up.ts';
import { verifyCommand } from './verify.ts';

/** On a Debian or Ubuntu host as root, the namespace provider's host packages are installed here. */
async function installNetnsHostPackages(): Promise<void> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
  const missing = await missingHostPackages();
  if (missing.length === 0) return;
  const apt = await execa('sh', ['-c', 'command -v apt-get'], { reject: false });
  if (apt.exitCode !== 0) return;
  console.log(`installing the namespace provider's host packages: ${missing.join(' ')}`);
  await execa('apt-get', ['update', '-q'], { stdio: 'inherit', env: { DEBIAN_FRONTEND: 'noninteractive' } });
  await execa('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

export const labCommand: Command = {
  name: 'lab',
  summary: 'the whole lab in one command: up, provision, then verify',
  usage: 'lab [--provider NAME] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, ...PROVIDER_OPTION },
  optionHelp: { ...PROVIDER_OPTION_HELP, ...LAB_OPTION_HELP },
  async run(args) {
    const { lab, state } = checkedLabContext(args);
    const choice = state.read()?.provider ?? providerChoice(args, lab);
    // auto picks the namespace provider only where neither hypervisor is usable.
    const netnsWanted = choice === 'netns' || (choice === 'auto' && (await virtualboxMissing()).length > 0 && (await libvirtMissing()).length > 0);
    if (netnsWanted) await installNetnsHostPackages();
    const up = await upCommand.run(args);
    if (up !== 0) return up;
    console.log('');
    const labArgs = { values: { lab: args.values.lab, state: args.values.state }, positionals: [] };
    const provisioned = await provisionCommand.run(labArgs);
    if (provisioned !== 0) return provisioned;
    console.log('');
    return verifyCommand.run(labArgs);
  },
};
