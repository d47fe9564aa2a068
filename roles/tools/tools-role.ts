// Not a tutorial step: what lab:verify and lab:capture use inside the machines, standing in
// for the tutorial's browser and Wireshark — curl on the LAN client, tcpdump for the captures.
import { packages } from '../../lib/engine/modules/packages.ts';
import type { Role } from '../role-context.ts';

export const TOOLS_PACKAGES = ['curl', 'tcpdump'];

export const toolsRole: Role = {
  name: 'tools',
  tasks: () => [
    packages({ name: 'curl and tcpdump for lab:verify and lab:capture', packages: TOOLS_PACKAGES, tags: ['tools'] }),
  ],
};
