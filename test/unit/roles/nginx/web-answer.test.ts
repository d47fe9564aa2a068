// roles/web-answer.ts: the page and the session cookie each web server answers with, from the
// definition, as the nginx role writes them and lab:verify expects them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../../lib/farm/load-lab.ts';
import { renderTemplate } from '../../../../lib/render/templates.ts';
import { pageHtml, pageText, sessionCookieValue } from '../../../../roles/nginx/web-answer.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';

const TUTORIAL = readFileSync(TUTORIAL_LAB, 'utf8');

describe("a web server's answer", () => {
  it("is the definition's page with every {host} replaced, in the index.html template", () => {
    const lab = parseLab(
      TUTORIAL.replace('"Bienvenido a nginx! ({host})"', '"{host} says hello from {host}"'),
      '/labs/lab.yaml',
    );
    expect(pageText(lab, 'web2')).toBe('web2 says hello from web2');
    expect(pageHtml(lab, 'web2')).toBe(
      renderTemplate('roles/nginx/templates/index.html.njk', { page: 'web2 says hello from web2' }),
    );
  });

  it('sets the session cookie <host>-session, which the nginx snippet writes', () => {
    expect(sessionCookieValue('web3')).toBe('web3-session');
    const snippet = renderTemplate('roles/nginx/templates/session-cookie.conf.njk', {
      source: 'lab.yaml',
      cookie: 'JSESSIONID',
      mode: 'insert',
      value: sessionCookieValue('web3'),
    });
    expect(snippet).toContain('add_header Set-Cookie "JSESSIONID=web3-session; Path=/";');
    expect(snippet).toContain('In insert mode HAProxy removes it from the answers and sets its own');
  });
});
