import { existsSync } from 'node:fs';
import { linkIsNormal } from '../../providers/provider.ts';
import { createProvider } from '../../providers/select-provider.ts';
import { describeLink } from './link.ts';
import { LAB_SECRETS, loadSecrets, SECRET_FILE } from '../../farm/lab-secrets.ts';
import type { Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext } from '../lab-options.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: "each machine's state as the provider reports it; --secrets prints the lab's generated secrets",
  usage: 'status [--secrets] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, secrets: { type: 'boolean' } },
  optionHelp: {
    '--secrets': "print the lab's stats password and HA stack key (they are never printed otherwise)",
    ...LAB_OPTION_HELP,
  },
  async run(args) {
    const { lab, state } = labContext(args);
    const record = state.checkUp(lab);
    if (args.values.secrets === true) {
      if (!existsSync(state.path(SECRET_FILE))) {
        console.log(`lab "${lab.name}" has no secrets yet: lab:render or lab:provision generates them in ${state.dir}`);
        return 0;
      }
      const secrets = loadSecrets(state);
      console.log(
        `stats page:     http://${lab.vip.name}${lab.haproxy.stats.uri}  user ${lab.haproxy.stats.user}  password ${secrets.statsPassword}`,
      );
      for (const spec of LAB_SECRETS.filter((s) => s.name !== 'statsPassword'))
        console.log(`${spec.describe}: ${secrets[spec.name]}`);
      return 0;
    }
    if (!record) {
      console.log(`lab "${lab.name}" has not been brought up (no state in ${state.dir}); run lab:up`);
      return 0;
    }
    const provider = createProvider(record.provider, lab, state);
    const machines = await provider.status();
    const width = Math.max(...machines.map((m) => m.host.length), 4);
    console.log(`lab "${lab.name}" (${provider.name}, state in ${state.dir})`);
    for (const m of machines)
      console.log(`  ${m.host.padEnd(width)}  ${m.state}${m.detail && m.detail !== m.state ? ` (${m.detail})` : ''}`);
    // A cut or degraded link is easily forgotten, and explains a farm that misbehaves.
    const links = await provider.links().catch((error: Error) => error);
    if (links instanceof Error) {
      console.log(`links: not read (${links.message})`);
      return 0;
    }
    const faults = links.filter((link) => !linkIsNormal(link));
    if (faults.length > 0) {
      console.log('links not in their normal state (npm run lab:link -- HOST NETWORK up, or clear):');
      for (const link of faults) console.log(`  ${describeLink(link)}`);
    }
    return 0;
  },
};
