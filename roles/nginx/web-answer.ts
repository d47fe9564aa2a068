// What each web server answers (T10), in one place for the nginx role that writes it and for
// lab:verify, which tells the servers apart by it: the page, and the session cookie the
// application sets, which HAProxy's cookie modes prefix, rewrite or replace.
import type { Lab } from '../../lib/lab/model.ts';
import { renderTemplate } from '../../lib/render/templates.ts';

/** The definition's nginx.page with {host} replaced: the text of the page. */
export function pageText(lab: Lab, host: string): string {
  return lab.nginx.page.replaceAll('{host}', host);
}

/** index.html byte for byte as the nginx role writes it on `host`, and as nginx serves it. */
export function pageHtml(lab: Lab, host: string): string {
  return renderTemplate('roles/nginx/templates/index.html.njk', { page: pageText(lab, host) });
}

/** The value of the session cookie `host` sets (templates/session-cookie.conf.njk). */
export function sessionCookieValue(host: string): string {
  return `${host}-session`;
}
