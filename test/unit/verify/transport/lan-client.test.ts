// lib/verify/transport/lan-client.ts, its pure parts: the held request V1 keeps a server busy with, and the
// curl that sends it (the clients themselves run in test/integration and test/e2e).
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import {
  curlArgs,
  heldRequest,
  holdCurlArgs,
  neighbourMac,
  parseHttpAnswer,
} from '../../../../lib/verify/transport/lan-client.ts';
import { FOUR_WEB_LAB } from '../../../helpers/cli.ts';

const lab = loadLab(FOUR_WEB_LAB);

describe('the held request', () => {
  it('announces a body far longer than the 32 KiB it sends, with the cookie that picks the server', () => {
    const { head, bodyBytes } = heldRequest(lab, 'JSESSIONID=B');
    expect(head).toEqual([
      'POST / HTTP/1.1',
      'Host: granja.test',
      'Cookie: JSESSIONID=B',
      'Content-Length: 1000000',
      '',
    ]);
    // More than HAProxy's buffer (16 KiB), far less than announced: HAProxy forwards it and waits.
    expect(bodyBytes).toBe(32 * 1024);
    expect(bodyBytes).toBeLessThan(1_000_000);
  });

  it("goes out by curl's telnet protocol to the VIP and the site's port, for at most the seconds given", () => {
    expect(holdCurlArgs(lab, 9)).toEqual(['curl', '-s', '-o', '/dev/null', '-m', '9', 'telnet://172.20.0.100:80']);
    expect(holdCurlArgs({ ...lab, haproxy: { ...lab.haproxy, port: 8080 } }, 30).at(-1)).toBe(
      'telnet://172.20.0.100:8080',
    );
  });
});

describe('a request', () => {
  it('resolves the site name to the VIP, with the cookie and credentials asked for', () => {
    expect(curlArgs(lab, { cookie: 'SERVERID=A', path: '/stats', timeoutMs: 500 })).toEqual([
      'curl',
      '-s',
      '-D',
      '-',
      '-m',
      '0.50',
      '--resolve',
      'granja.test:80:172.20.0.100',
      '-b',
      'SERVERID=A',
      'http://granja.test:80/stats',
    ]);
  });

  it('keeps every Set-Cookie header of the answer', () => {
    const answer = parseHttpAnswer('HTTP/1.1 200 OK\r\nset-cookie: A=1; path=/\r\nSet-Cookie: A=2\r\n\r\nbody');
    expect(answer?.setCookies).toEqual(['A=1; path=/', 'A=2']);
    expect(answer?.headers['set-cookie']).toBe('A=2');
    expect(parseHttpAnswer('HTTP/1.1 200 OK\r\n\r\nbody')?.setCookies).toEqual([]);
  });
});

describe('HTTP answers', () => {
  it('reads status, headers and body of the last response curl printed', () => {
    const raw =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=B~abc\r\nContent-Type: text/html\r\nset-cookie: JSESSIONID=B; path=/\r\n\r\n<h1>Bienvenido a nginx! (web2)</h1>\n\nmore';
    const answer = parseHttpAnswer(raw);
    expect(answer?.status).toBe(200);
    expect(answer?.headers['content-type']).toBe('text/html');
    // Two cookies of one name (the server's and HAProxy's): both kept, in order.
    expect(answer?.setCookies).toEqual(['JSESSIONID=B~abc', 'JSESSIONID=B; path=/']);
    expect(answer?.body).toBe('<h1>Bienvenido a nginx! (web2)</h1>\n\nmore');
    expect(parseHttpAnswer('')).toBeUndefined();
    expect(
      parseHttpAnswer('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="HAProxy Statistics"\r\n\r\n')
        ?.status,
    ).toBe(401);
  });
});

describe("the client's ARP entry for the VIP (V8: which balancer it reaches)", () => {
  it('is the MAC of `ip -j neigh show`, none when the entry failed, is incomplete or absent', () => {
    expect(
      neighbourMac('[{"dst":"192.168.1.100","dev":"eth1","lladdr":"02:AB:cd:00:00:01","state":["REACHABLE"]}]'),
    ).toBe('02:ab:cd:00:00:01');
    expect(neighbourMac('[{"dst":"192.168.1.100","dev":"eth1","lladdr":"02:ab:cd:00:00:01","state":["STALE"]}]')).toBe(
      '02:ab:cd:00:00:01',
    );
    expect(neighbourMac('[{"dst":"192.168.1.100","dev":"eth1","state":["INCOMPLETE"]}]')).toBeUndefined();
    expect(
      neighbourMac('[{"dst":"192.168.1.100","dev":"eth1","lladdr":"02:ab:cd:00:00:01","state":["FAILED"]}]'),
    ).toBeUndefined();
    expect(neighbourMac('[]')).toBeUndefined();
    expect(neighbourMac('')).toBeUndefined();
    expect(neighbourMac('Object "neigh" is unknown')).toBeUndefined();
  });
});
