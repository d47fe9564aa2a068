// lab:open's listener on this host's loopback: an HTTP proxy that sends each request it gets on
// to the site through the lab, on a connection of its own, with the site's name in Host (as the
// tutorial's browser sent http://trabajoswap.com), and streams the answer back unchanged.
import { createServer, request, type IncomingHttpHeaders, type RequestOptions, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { VipConnector } from './vip-connector.ts';

/** The headers sent on: the site's name in Host, and no keep-alive, so the next request takes a new connection. */
export function forwardedHeaders(headers: IncomingHttpHeaders, siteName: string, port: number): IncomingHttpHeaders {
  const sent: IncomingHttpHeaders = {
    ...headers,
    host: port === 80 ? siteName : `${siteName}:${port}`,
    connection: 'close',
  };
  delete sent['proxy-connection'];
  delete sent['keep-alive'];
  return sent;
}

export interface SiteProxy {
  server: Server;
  /** the port it listens on (the one asked for, or the one the system gave for 0) */
  port: number;
  close(): Promise<void>;
}

export async function startSiteProxy(
  connector: VipConnector,
  site: { name: string; port: number },
  listenPort: number,
  onError: (line: string) => void = () => undefined,
): Promise<SiteProxy> {
  const server = createServer((req, res) => {
    const upstream = request(
      {
        method: req.method,
        path: req.url,
        headers: forwardedHeaders(req.headers, site.name, site.port),
        createConnection: (_options: unknown, done: (error: Error | null, socket: Duplex) => void) => {
          connector.connect().then(
            (socket) => done(null, socket),
            (error: Error) => done(error, undefined as unknown as Duplex),
          );
          return undefined;
        },
      } as unknown as RequestOptions,
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      onError(`${req.method} ${req.url}: ${error.message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`hafarm lab:open: the site did not answer ${connector.describe}: ${error.message}\n`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : listenPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A browser keeps its connections open: they would hold close() for minutes.
        server.closeAllConnections();
      }),
  };
}
