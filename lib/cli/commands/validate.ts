import { haStackOf } from '../../../roles/components.ts';
import { balancers, webServers } from '../../lab/model.ts';
import { formatCidr } from '../../lab/ipv4.ts';
import type { Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, checkedLabContext } from '../lab-options.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary:
    "check the lab definition (and its haproxy.cfg with the host's haproxy -c, where installed) and print what it describes; creates nothing",
  usage: 'validate [--lab FILE]',
  options: LAB_OPTIONS,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const { lab, haproxyCheck } = checkedLabContext(args);
    const { lan, heartbeat } = lab.networks;
    console.log(`${lab.file}: lab "${lab.name}" is valid`);
    console.log(
      `  LAN ${formatCidr(lan.cidr)} (gateway ${lan.gateway}), heartbeat network ${formatCidr(heartbeat.cidr)}`,
    );
    console.log(`  VIP ${lab.vip.address} (${lab.vip.name})`);
    console.log(
      `  balancers: ${balancers(lab)
        .map((h) => `${h.name} (${h.role})`)
        .join(', ')}; HA stack: ${haStackOf(lab).describe(lab).en}`,
    );
    console.log(
      `  web servers: ${webServers(lab)
        .map((h) => h.name)
        .join(', ')}`,
    );
    console.log(`  haproxy.cfg: ${haproxyCheck}`);
    return 0;
  },
};
