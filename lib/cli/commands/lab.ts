import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { missingHostPackages } from '../../providers/netns/prerequisites.ts';
import { createProvider } from '../../providers/select-provider.ts';
import { PrerequisitesMissing } from '../../providers/provider.ts';
import type { Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, PROVIDER_OPTION, PROVIDER_OPTION_HELP, checkedLabContext, providerChoice } from '../lab-options.ts';
import { provisionCommand } from './provision.ts';
import { upCommand } from './up.ts';
import { verifyCommand } from './verify.ts';

/** On a Debian or Ubuntu host as root, the namespace provider's host packages are installed here. */
async function installNetnsHostPackages(): Promise<void> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
  const missing = missingHostPackages();
  // Elsewhere (no apt) lab:up refuses with the list of what is missing, before it creates anything.
  if (missing.length === 0 || !existsSync('/usr/bin/apt-get')) return;
  console.log(`installing the namespace provider's host packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-q'], ['install', '-y', '-q', '--no-install-recommends', ...missing]]) {
    const result = await execa('apt-get', args, { stdio: 'inherit', env, reject: false });
    if (result.exitCode !== 0) {
      const howToGet = `apt-get ${args.join(' ')} failed (exit ${result.exitCode ?? result.signal}; its output is above): fix what it says and run npm run lab again`;
      throw new PrerequisitesMissing('netns', [{ what: `host packages: ${missing.join(', ')}`, howToGet }]);
    }
  }
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
    const hypervisorMissing = async (name: 'virtualbox' | 'libvirt') => (await createProvider(name, lab, state).missingPrerequisites()).length > 0;
    const netnsWanted = choice === 'netns' || (choice === 'auto' && (await hypervisorMissing('virtualbox')) && (await hypervisorMissing('libvirt')));
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
