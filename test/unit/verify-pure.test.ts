// The verification's pure parts: reading curl's answers, HAProxy's stats CSV, and outages.
import { describe, expect, it } from 'vitest';
import { parseStatsCsv } from '../../lib/verify/checks/stats-page.ts';
import { parseHttpAnswer } from '../../lib/verify/lan-client.ts';
import { outageOf, servedBy } from '../../lib/verify/steady-load.ts';

describe('HTTP answers', () => {
  it('reads status, headers and body of the last response curl printed', () => {
    const raw = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=B~abc\r\nContent-Type: text/html\r\n\r\n<h1>Bienvenido a nginx! (web2)</h1>\n\nmore';
    const answer = parseHttpAnswer(raw);
    expect(answer?.status).toBe(200);
    expect(answer?.headers['set-cookie']).toBe('JSESSIONID=B~abc');
    expect(answer?.body).toBe('<h1>Bienvenido a nginx! (web2)</h1>\n\nmore');
    expect(servedBy(answer!.body)).toBe('web2');
    expect(parseHttpAnswer('')).toBeUndefined();
    expect(parseHttpAnswer('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="HAProxy Statistics"\r\n\r\n')?.status).toBe(401);
  });
});

describe('HAProxy stats CSV', () => {
  it('keys each row by the header', () => {
    const csv = '# pxname,svname,qcur,status,check_status\nweb-cluster,FRONTEND,,OPEN,\nweb-cluster,web1,0,UP,L4OK\nweb-cluster,web2,0,DOWN,L4TOUT\n';
    const rows = parseStatsCsv(csv);
    expect(rows.find((r) => r.svname === 'web2')).toMatchObject({ pxname: 'web-cluster', status: 'DOWN', check_status: 'L4TOUT' });
    expect(rows).toHaveLength(3);
  });
});

describe('outages', () => {
  it('measure from the first failed request to the next good one', () => {
    const samples = [
      { at: 0, ok: true },
      { at: 0.1, ok: false },
      { at: 0.2, ok: false },
      { at: 5.3, ok: true },
      { at: 5.4, ok: true },
    ];
    expect(outageOf(samples)).toEqual({ seconds: 5.2, failed: 2, total: 5 });
    expect(outageOf([{ at: 0, ok: true }])).toEqual({ seconds: 0, failed: 0, total: 1 });
  });
});

describe('HAProxy times', () => {
  it('reads the units HAProxy accepts', async () => {
    const { haproxyMs } = await import('../../lib/verify/steady-load.ts');
    expect(haproxyMs('5s')).toBe(5000);
    expect(haproxyMs('500ms')).toBe(500);
    expect(haproxyMs('1m')).toBe(60_000);
    expect(haproxyMs('250')).toBe(250);
    expect(() => haproxyMs('5 s')).toThrow(/not an HAProxy time/);
  });
});
