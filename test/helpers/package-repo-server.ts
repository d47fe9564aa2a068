// The machines' package source in the real-VM test: the same local repository the namespace
// provider builds with the host's apt (lib/providers/netns/base-image.ts), served read-only over
// HTTP on the host's address of the test's isolated management network. The machines reach that
// address and nothing else, so apt inside them gets Debian's packages without a route out.
// The server runs inside the test's own process: it ends with it.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize, sep } from 'node:path';

export interface RepoServer {
  url: string;
  /** requests served, for the record */
  requests: () => number;
  close: () => Promise<void>;
}

export function serveRepository(dir: string, address: string, port: number): Promise<RepoServer> {
  let count = 0;
  const root = normalize(dir + sep);
  const server: Server = createServer((req, res) => {
    count += 1;
    const path = normalize(join(root, decodeURIComponent((req.url ?? '/').split('?')[0]!)));
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !path.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(path).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      resolve({
        url: `http://${address}:${port}/`,
        requests: () => count,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
