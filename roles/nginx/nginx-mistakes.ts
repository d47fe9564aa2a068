// The mistake a student makes following T10 that the web servers show by themselves: nginx not
// running. (The page it serves lives in the root its configuration names, which only `nginx -T`
// on the machine tells; lab:verify's own checks read the page through the VIP.)
import { webServers } from '../../lib/lab/model.ts';
import type { Finding, MistakeFinder } from '../mistakes.ts';

export const nginxMistakes: MistakeFinder = {
  files: () => [],
  processes: ['nginx'],
  find(lab, holdings) {
    return webServers(lab).flatMap((host): Finding[] =>
      holdings.get(host.name)?.processes.get('nginx') === false
        ? [
            {
              step: 'T10',
              host: host.name,
              wrong: {
                en: `nginx is not running on ${host.name}: it serves no page to HAProxy`,
                es: `nginx no está en marcha en tu ${host.name}: no sirve ninguna página a HAProxy`,
              },
              fix: {
                en: `install and start it on ${host.name}: apt-get install nginx, then /etc/init.d/nginx start (or service nginx start); \`nginx -t\` says what it refuses in its configuration`,
                es: `instálalo y arráncalo en tu ${host.name}: apt-get install nginx y después /etc/init.d/nginx start (o service nginx start); \`nginx -t\` dice qué rechaza de su configuración`,
              },
            },
          ]
        : [],
    );
  },
};
