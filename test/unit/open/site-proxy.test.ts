// lab:open's proxy: the site's name in Host as the tutorial's browser sent it, and a connection per request.
import { describe, expect, it } from 'vitest';
import { forwardedHeaders } from '../../../lib/open/site-proxy.ts';

describe('the headers lab:open sends on', () => {
  it('name the site in Host (with its port when not 80) and close the connection after the answer', () => {
    const sent = forwardedHeaders(
      {
        host: '127.0.0.1:8080',
        accept: 'text/html',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'proxy-connection': 'keep-alive',
      },
      'trabajoswap.com',
      80,
    );
    expect(sent).toEqual({ host: 'trabajoswap.com', accept: 'text/html', connection: 'close' });
    expect(forwardedHeaders({ host: 'localhost:9000' }, 'granja.test', 8080).host).toBe('granja.test:8080');
  });

  it('keep what the browser sent otherwise: its credentials for the statistics page, its cookie', () => {
    const sent = forwardedHeaders(
      { authorization: 'Basic YWRtaW46eA==', cookie: 'JSESSIONID=B~x' },
      'trabajoswap.com',
      80,
    );
    expect(sent).toMatchObject({ authorization: 'Basic YWRtaW46eA==', cookie: 'JSESSIONID=B~x' });
  });
});
