// How HAProxy's persistence cookie keeps a client on its server, in each mode of the definition's
// haproxy.cookie, as V1 checks it. From HAProxy 2.6's manual ("cookie"), checked against the
// real HAProxy 2.6 (test/integration/balancing-check.test.ts). Every web server's nginx sets
// the application's session cookie NAME=<host>-session (roles/web-answer.ts); each server line
// gives the server its label (A, B, … in roles/haproxy.ts).
//  - prefix: HAProxy prefixes the server's own cookie: NAME=<label>~<host>-session, on every
//    answer; a request carrying it goes to that server (HAProxy takes the prefix off first).
//  - insert: HAProxy sets NAME=<label> itself and removes the server's cookie of that name;
//    a client that sends a valid one gets no new cookie.
//  - rewrite: HAProxy replaces the value of the server's own cookie: NAME=<label>, on every answer.
// A request carrying a server's cookie goes to that server, whatever the balance algorithm.
import type { CookieMode } from './haproxy-settings.ts';
import type { Said, Speaker, Words } from '../../lib/said.ts';

/** A web server as its cookie knows it. */
export interface CookieServer {
  name: string;
  /** its `cookie` word on the server line: A, B, … */
  label: string;
  /** the value of the session cookie its nginx sets */
  session: string;
}

/** The cookie value a client holds for `server` after its first answer, and sends back. */
export function cookieValueFor(mode: CookieMode, server: CookieServer): string {
  return mode === 'prefix' ? `${server.label}~${server.session}` : server.label;
}

/**
 * The value of the NAME cookie `server`'s answer must set: undefined when it must set none
 * (insert, for a client that sent a valid cookie).
 */
export function expectedCookie(mode: CookieMode, server: CookieServer, clientHadCookie: boolean): string | undefined {
  if (mode === 'insert' && clientHadCookie) return undefined;
  return cookieValueFor(mode, server);
}

/** The values of the cookies named `name` among Set-Cookie headers ("NAME=value; Path=/"). */
export function cookieValues(setCookies: string[], name: string): string[] {
  return setCookies.flatMap((header) => {
    const pair = header.split(';')[0]!;
    const at = pair.indexOf('=');
    return at > 0 && pair.slice(0, at).trim() === name ? [pair.slice(at + 1).trim()] : [];
  });
}

const WHY: Record<CookieMode, Said> = {
  prefix: {
    en: "cookie prefix: HAProxy prefixes the server's own cookie with its label",
    es: 'cookie prefix: HAProxy antepone la etiqueta del servidor a la cookie propia del servidor',
  },
  insert: {
    en: "cookie insert: HAProxy sets its own cookie and removes the server's",
    es: 'cookie insert: HAProxy establece su propia cookie y elimina la del servidor',
  },
  rewrite: {
    en: "cookie rewrite: HAProxy replaces the value of the server's own cookie with its label",
    es: 'cookie rewrite: HAProxy sustituye el valor de la cookie propia del servidor por su etiqueta',
  },
};

/** What is wrong with the NAME cookies of `server`'s answer in this mode, or undefined. */
export function cookieProblem(
  mode: CookieMode,
  name: string,
  server: CookieServer,
  setCookies: string[],
  clientHadCookie: boolean,
  say: Speaker,
): Words | undefined {
  const values = cookieValues(setCookies, name);
  const expected = expectedCookie(mode, server, clientHadCookie);
  const pairs = values.map((v) => `${name}=${v}`);
  // "with no JSESSIONID cookie", "sin cookie JSESSIONID"
  const got =
    values.length === 0
      ? say(`with no ${name} cookie`, `sin cookie ${name}`)
      : say(`with ${pairs.join(' and ')}`, `con ${pairs.join(' y ')}`);
  if (expected === undefined) {
    return values.length === 0
      ? undefined
      : say(
          `${server.name} answered a client holding its cookie ${got} (expected none: with cookie insert HAProxy sets its cookie only for a client without a valid one, and removes the server's)`,
          `${server.name} respondió a un cliente que ya tenía su cookie ${got} (no se esperaba ninguna: con cookie insert HAProxy establece su cookie solo a un cliente que no tiene una válida, y elimina la del servidor)`,
        );
  }
  if (values.length === 1 && values[0] === expected) return undefined;
  const why = say.said(WHY[mode]);
  return say(
    `${server.name} answered${clientHadCookie ? ' a client holding its cookie' : ''} ${got} (expected ${name}=${expected}: ${why})`,
    `${server.name} respondió${clientHadCookie ? ' a un cliente que ya tenía su cookie' : ''} ${got} (se esperaba ${name}=${expected}: ${why})`,
  );
}
