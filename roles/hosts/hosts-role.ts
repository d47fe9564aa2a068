// T2: the tutorial's /etc/hosts entries on every machine (the VIP as the site's name, every host
// on the LAN, the balancers again on the heartbeat network) as one managed block.
import { blockInFile } from '../../lib/engine/modules/edit-file.ts';
import type { Role } from '../role-context.ts';
import { balancers } from '../../lib/lab/model.ts';
import { renderTemplate } from '../../lib/render/templates.ts';

export const hostsRole: Role = {
  name: 'hosts',
  tasks: ({ lab }) => [
    blockInFile({
      name: `T2 /etc/hosts entries for ${lab.vip.name} and the lab's hosts`,
      path: '/etc/hosts',
      marker: `hafarm lab ${lab.name}`,
      block: renderTemplate('roles/hosts/templates/hosts-block.njk', {
        vip: lab.vip,
        hosts: lab.hosts,
        balancers: balancers(lab),
      }),
      tags: ['T2'],
    }),
  ],
};
