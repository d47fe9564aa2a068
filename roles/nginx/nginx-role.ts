// T10: nginx on the web servers, each serving the definition's page ("Bienvenido a nginx! (webN)"
// in the tutorial) from the root that the installed nginx really serves (read from its
// configuration, not assumed), and setting the session cookie HAProxy's persistence works with.
import { ensureFile, renderFile } from '../../lib/engine/modules/file.ts';
import { packages } from '../../lib/engine/modules/packages.ts';
import { service } from '../../lib/engine/modules/service.ts';
import { shellCommand } from '../../lib/engine/modules/shell-command.ts';
import { template } from '../../lib/render/template-task.ts';
import { basename } from 'node:path';
import type { Role, RoleContext } from '../role-context.ts';
import { changed, failed, type Task, type TaskContext } from '../../lib/engine/task.ts';
import { pageHtml, pageText, sessionCookieValue } from './web-answer.ts';

/** What Debian's nginx serves; used only where no machine can be asked (lab:render). */
export const DEBIAN_NGINX_ROOT = '/var/www/html';

/** The first root directive of the server that answers port 80 by default, from `nginx -T`. */
export function servedRoot(config: string): string | undefined {
  const servers = config.split(/\bserver\s*\{/).slice(1);
  const byDefault = servers.find((s) => /listen\s+(?:\S+:)?80\s+default_server/.test(s)) ?? servers[0];
  return byDefault ? /^\s*root\s+([^;\s]+)\s*;/m.exec(byDefault)?.[1] : undefined;
}

const NGINX_DUMP = 'nginx -T 2>/dev/null';

function indexPage(role: RoleContext): Task {
  const spec = (root: string) => ({
    path: `${root.replace(/\/$/, '')}/index.html`,
    content: pageHtml(role.lab, role.host.name),
    mode: '0644',
  });
  return {
    name: `T10 page "${pageText(role.lab, role.host.name)}" in the root nginx serves`,
    tags: ['T10'],
    render: (ctx) => [renderFile(ctx, spec(DEBIAN_NGINX_ROOT))],
    reads: () => [NGINX_DUMP],
    // where Debian's nginx serves from: read with the others (another root is read when found)
    paths: [spec(DEBIAN_NGINX_ROOT).path],
    async run(ctx: TaskContext) {
      const dump = await ctx.reads.run(NGINX_DUMP);
      if (dump.code !== 0) {
        return ctx.check
          ? changed('would write index.html in the root nginx serves (nginx is not installed yet)')
          : failed(`nginx -T failed: ${dump.stderr.trim()}`);
      }
      const root = servedRoot(dump.stdout);
      if (!root) return failed('no root directive found in the configuration nginx serves (nginx -T)');
      return ensureFile(ctx, spec(root));
    },
  };
}

const RELOAD = 'reload nginx (after nginx -t)';
export const NGINX_PACKAGES = ['nginx'];

export const nginxRole: Role = {
  name: 'nginx',
  tasks: (ctx) => [
    packages({ name: 'T10 install nginx', packages: NGINX_PACKAGES, tags: ['T10'] }),
    indexPage(ctx),
    template({
      name: `T10 session cookie ${ctx.lab.haproxy.cookie.name} for HAProxy's cookie persistence`,
      path: '/etc/nginx/conf.d/hafarm-session-cookie.conf',
      src: 'roles/nginx/templates/session-cookie.conf.njk',
      vars: {
        source: basename(ctx.lab.file),
        cookie: ctx.lab.haproxy.cookie.name,
        mode: ctx.lab.haproxy.cookie.mode,
        value: sessionCookieValue(ctx.host.name),
      },
      notify: [RELOAD],
      tags: ['T10'],
    }),
    service({
      name: 'T10 nginx running and enabled',
      service: 'nginx',
      state: 'started',
      enabled: true,
      tags: ['T10'],
    }),
  ],
  // A configuration nginx -t refuses is never loaded: the running one stays.
  handlers: () => [shellCommand({ name: RELOAD, cmd: 'nginx -t -q && service nginx reload' })],
};
