// lib/verify/page-server.ts: which web server answered, told from the exact page the nginx role
// rendered for it from the definition's nginx.page.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../../lib/farm/load-lab.ts';
import { describeAnswer, pageServer, servedBy } from '../../../../roles/nginx/page-server.ts';
import { pageHtml } from '../../../../roles/nginx/web-answer.ts';
import { english, speaker } from '../../../../lib/said.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';

const TUTORIAL = readFileSync(TUTORIAL_LAB, 'utf8');
const tutorial = parseLab(TUTORIAL, TUTORIAL_LAB);
const ok = (body: string) => ({ status: 200, headers: {}, setCookies: [], body });

describe('the page a web server serves', () => {
  it("is the tutorial's page for its host, and nobody else's", () => {
    const serverOf = pageServer(tutorial);
    expect(pageHtml(tutorial, 'web2')).toContain('<h1>Bienvenido a nginx! (web2)</h1>');
    for (const host of ['web1', 'web2', 'web3']) expect(serverOf(pageHtml(tutorial, host))).toBe(host);
    expect(servedBy(tutorial, pageHtml(tutorial, 'web3'))).toBe('web3');
    // A balancer serves no page; a body that only holds the text is not the page nginx serves.
    expect(serverOf(pageHtml(tutorial, 'haproxy1'))).toBeUndefined();
    expect(serverOf('<h1>Bienvenido a nginx! (web2)</h1>')).toBeUndefined();
    expect(serverOf(`${pageHtml(tutorial, 'web2')}\n`)).toBeUndefined();
  });

  it('is told apart for any page text with {host}, even when one host name starts another', () => {
    const text = TUTORIAL.replace('"Bienvenido a nginx! ({host})"', '"Hello from {host}"').replace(
      '- name: web2',
      '- name: web10',
    );
    const lab = parseLab(text, '/labs/hello.yaml');
    const serverOf = pageServer(lab);
    expect(pageHtml(lab, 'web10')).toContain('<h1>Hello from web10</h1>');
    expect(serverOf(pageHtml(lab, 'web1'))).toBe('web1');
    expect(serverOf(pageHtml(lab, 'web10'))).toBe('web10');
    // The tutorial's page is no page of this lab.
    expect(serverOf(pageHtml(tutorial, 'web1'))).toBeUndefined();
  });

  it('is matched as nginx serves it, HTML escaped', () => {
    const lab = parseLab(
      TUTORIAL.replace('"Bienvenido a nginx! ({host})"', '"<b>{host}</b> & \'{host}\'"'),
      '/labs/html.yaml',
    );
    expect(pageHtml(lab, 'web1')).toContain('<h1>&lt;b&gt;web1&lt;/b&gt; &amp; &#39;web1&#39;</h1>');
    expect(pageServer(lab)(pageHtml(lab, 'web1'))).toBe('web1');
  });
});

describe('an answer in the evidence', () => {
  it('is the server, or what came instead', () => {
    const serverOf = pageServer(tutorial);
    expect(describeAnswer(serverOf, ok(pageHtml(tutorial, 'web1')), english)).toBe('web1');
    expect(describeAnswer(serverOf, undefined, english)).toBe('no answer');
    expect(describeAnswer(serverOf, { ...ok(''), status: 503 }, english)).toBe('status 503');
    expect(describeAnswer(serverOf, ok('<html><body><h1>Edited by hand on web2</h1></body></html>'), english)).toBe(
      'a page of no web server ("Edited by hand on web2")',
    );
    expect(describeAnswer(serverOf, ok(`<p>${'x'.repeat(60)}</p>`), english)).toBe(
      `a page of no web server ("${'x'.repeat(40)}…")`,
    );
    // The text a browser shows of the body: not the title, entities decoded.
    const edited = pageHtml(tutorial, 'web3').replace(
      'Bienvenido a nginx! (web3)</h1>',
      'Adi&oacute;s &lt;web3&gt; &amp; co</h1>',
    );
    expect(describeAnswer(serverOf, ok(edited), english)).toBe('a page of no web server ("Adi&oacute;s <web3> & co")');
  });

  it('is said in Spanish, the server and the page quoted as they are', () => {
    const serverOf = pageServer(tutorial);
    const es = speaker('es');
    expect(describeAnswer(serverOf, ok(pageHtml(tutorial, 'web1')), es)).toBe('web1');
    expect(describeAnswer(serverOf, undefined, es)).toBe('sin respuesta');
    expect(describeAnswer(serverOf, { ...ok(''), status: 503 }, es)).toBe('estado 503');
    expect(describeAnswer(serverOf, ok('<html><body><h1>Edited by hand on web2</h1></body></html>'), es)).toBe(
      'una página de ningún servidor web ("Edited by hand on web2")',
    );
  });
});

describe('a farm built by hand (adopted)', () => {
  // the tutorial's own page, as a student types it (T10)
  const studentPage = (host: string) =>
    `<html>\n<head>\n<title>Bienvenido a nginx!</title>\n</head>\n<body>\n<center><h1>Bienvenido a nginx! (${host}) </h1></center>\n</body>\n</html>\n`;

  it("is told by the text a browser shows: the student's HTML, the definition's page text", () => {
    const serverOf = pageServer(tutorial, true);
    expect(serverOf(studentPage('web1'))).toBe('web1');
    expect(serverOf(studentPage('web3'))).toBe('web3');
    // hafarm's own page shows the same text
    expect(serverOf(pageHtml(tutorial, 'web2'))).toBe('web2');
    // never searched inside: more text, another server's or nginx's default are nobody's
    expect(serverOf(studentPage('web1').replace('</h1>', '</h1><p>hola</p>'))).toBeUndefined();
    expect(serverOf(studentPage('web10'))).toBeUndefined();
    expect(serverOf('<html><body><h1>Welcome to nginx!</h1></body></html>')).toBeUndefined();
    // and the exact rule holds where hafarm made the farm
    expect(pageServer(tutorial)(studentPage('web1'))).toBeUndefined();
  });
});
