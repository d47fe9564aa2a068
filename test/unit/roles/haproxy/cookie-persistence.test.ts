// lib/verify/cookie-persistence.ts: the cookie each mode gives a client, read from the Set-Cookie
// headers the real HAProxy 2.6 sent in each mode, and that each mode's headers fail the others'.
import { describe, expect, it } from 'vitest';
import { COOKIE_MODES } from '../../../../roles/haproxy/haproxy-settings.ts';
import {
  cookieProblem,
  cookieValueFor,
  cookieValues,
  expectedCookie,
  type CookieServer,
} from '../../../../roles/haproxy/cookie-persistence.ts';
import { english, speaker } from '../../../../lib/said.ts';

const web1: CookieServer = { name: 'web1', label: 'A', session: 'web1-session' };

/** What HAProxy 2.6 answered for web1 in each mode, to a client without a cookie and to one holding web1's. */
const SEEN = {
  prefix: { first: ['JSESSIONID=A~web1-session; Path=/'], holding: ['JSESSIONID=A~web1-session; Path=/'] },
  insert: { first: ['JSESSIONID=A; path=/'], holding: [] },
  rewrite: { first: ['JSESSIONID=A; Path=/'], holding: ['JSESSIONID=A; Path=/'] },
} as const;

describe('Set-Cookie headers', () => {
  it('give the values of one cookie name, every header, attributes left out', () => {
    expect(
      cookieValues(['JSESSIONID=A~web1-session; Path=/', 'other=1', 'JSESSIONID=A; path=/'], 'JSESSIONID'),
    ).toEqual(['A~web1-session', 'A']);
    expect(cookieValues(['JSESSIONID2=A', 'XJSESSIONID=B', 'JSESSIONID'], 'JSESSIONID')).toEqual([]);
    expect(cookieValues([' JSESSIONID = B ;Path=/'], 'JSESSIONID')).toEqual(['B']);
  });
});

describe('the cookie of each mode', () => {
  it("is the label with the server's own value in prefix mode, the label alone otherwise", () => {
    expect(cookieValueFor('prefix', web1)).toBe('A~web1-session');
    expect(cookieValueFor('insert', web1)).toBe('A');
    expect(cookieValueFor('rewrite', web1)).toBe('A');
  });

  it('is set on every answer, except in insert mode to a client that already holds a valid one', () => {
    expect(expectedCookie('prefix', web1, true)).toBe('A~web1-session');
    expect(expectedCookie('rewrite', web1, true)).toBe('A');
    expect(expectedCookie('insert', web1, false)).toBe('A');
    expect(expectedCookie('insert', web1, true)).toBeUndefined();
  });

  it("passes each mode on what HAProxy sent in that mode, and fails it on every other mode's answers", () => {
    for (const configured of COOKIE_MODES) {
      for (const actual of COOKIE_MODES) {
        const problems = [
          cookieProblem(configured, 'JSESSIONID', web1, [...SEEN[actual].first], false, english),
          cookieProblem(configured, 'JSESSIONID', web1, [...SEEN[actual].holding], true, english),
        ].filter(Boolean);
        expect(problems.length === 0, `${configured} judging ${actual}: ${problems.join('; ')}`).toBe(
          configured === actual,
        );
      }
    }
  });

  it('says what came and what the mode gives', () => {
    expect(cookieProblem('insert', 'JSESSIONID', web1, ['JSESSIONID=A~web1-session; Path=/'], false, english)).toBe(
      "web1 answered with JSESSIONID=A~web1-session (expected JSESSIONID=A: cookie insert: HAProxy sets its own cookie and removes the server's)",
    );
    expect(cookieProblem('insert', 'JSESSIONID', web1, ['JSESSIONID=A; Path=/'], true, english)).toBe(
      "web1 answered a client holding its cookie with JSESSIONID=A (expected none: with cookie insert HAProxy sets its cookie only for a client without a valid one, and removes the server's)",
    );
    expect(cookieProblem('prefix', 'JSESSIONID', web1, [], false, english)).toBe(
      "web1 answered with no JSESSIONID cookie (expected JSESSIONID=A~web1-session: cookie prefix: HAProxy prefixes the server's own cookie with its label)",
    );
    // The server's cookie and HAProxy's side by side (insert with `preserve`): two cookies are one too many.
    expect(
      cookieProblem(
        'insert',
        'JSESSIONID',
        web1,
        ['JSESSIONID=web1-session; Path=/', 'JSESSIONID=A; path=/'],
        false,
        english,
      ),
    ).toMatch(/with JSESSIONID=web1-session and JSESSIONID=A \(expected JSESSIONID=A:/);
  });
});

describe('what is wrong with a cookie, in Spanish', () => {
  const es = speaker('es');

  it('says what came and what the mode gives, the cookies quoted as they are', () => {
    expect(cookieProblem('insert', 'JSESSIONID', web1, ['JSESSIONID=A~web1-session; Path=/'], false, es)).toBe(
      'web1 respondió con JSESSIONID=A~web1-session (se esperaba JSESSIONID=A: cookie insert: HAProxy establece su propia cookie y elimina la del servidor)',
    );
    expect(cookieProblem('insert', 'JSESSIONID', web1, ['JSESSIONID=A; Path=/'], true, es)).toBe(
      'web1 respondió a un cliente que ya tenía su cookie con JSESSIONID=A (no se esperaba ninguna: con cookie insert HAProxy establece su cookie solo a un cliente que no tiene una válida, y elimina la del servidor)',
    );
    expect(cookieProblem('prefix', 'JSESSIONID', web1, [], true, es)).toBe(
      'web1 respondió a un cliente que ya tenía su cookie sin cookie JSESSIONID (se esperaba JSESSIONID=A~web1-session: cookie prefix: HAProxy antepone la etiqueta del servidor a la cookie propia del servidor)',
    );
    expect(cookieProblem('rewrite', 'JSESSIONID', web1, ['JSESSIONID=web1-session', 'JSESSIONID=A'], false, es)).toBe(
      'web1 respondió con JSESSIONID=web1-session y JSESSIONID=A (se esperaba JSESSIONID=A: cookie rewrite: HAProxy sustituye el valor de la cookie propia del servidor por su etiqueta)',
    );
    expect(cookieProblem('rewrite', 'JSESSIONID', web1, ['JSESSIONID=A'], true, es)).toBeUndefined();
  });
});
