// A client on the LAN reached by a command line of this host (lib/verify/transport/lan-client.ts
// CommandLanClient), with this host standing in for the client: what the way there says is no
// failed request, a way that fails is said, and a request nothing answers is no answer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../lib/farm/load-lab.ts';
import type { LanClientPlace } from '../../lib/providers/provider.ts';
import { CommandLanClient } from '../../lib/verify/transport/lan-client.ts';
import { TUTORIAL_LAB } from '../helpers/cli.ts';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((_request, response) => response.end('Bienvenido a nginx! (web1)\n'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The tutorial lab with its VIP on this host's loopback, at the test server's port. */
function labOnLoopback(sitePort: number) {
  const lab = loadLab(TUTORIAL_LAB);
  return { ...lab, vip: { ...lab.vip, address: '127.0.0.1' }, haproxy: { ...lab.haproxy, port: sitePort } };
}

/** A way to the client that warns on stderr each time, as docker does with an unreadable config. */
const warning: LanClientPlace = {
  describe: { en: 'the test client', es: 'the test client' },
  command: (argv) => ['sh', '-c', 'echo "WARNING: Error loading config file" >&2; exec "$@"', 'way', ...argv],
};

describe('a client on the LAN reached by a command line', () => {
  it('gets the answer, whatever the way there says on stderr', async () => {
    const answer = await new CommandLanClient(labOnLoopback(port), warning).get();
    expect(answer?.status).toBe(200);
    expect(answer?.body).toBe('Bienvenido a nginx! (web1)\n');
  });

  it('takes a request nothing answers for no answer, not for a broken way', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await new CommandLanClient(labOnLoopback(unused), warning).get({ timeoutMs: 1000 })).toBeUndefined();
  });

  it('says so when the way to the client fails before it gets there, and when this host lacks its program', async () => {
    const gone: LanClientPlace = {
      describe: { en: 'the client container c', es: 'the client container c' },
      command: () => ['sh', '-c', 'echo "Error response from daemon: Container c is not running" >&2; exit 1'],
    };
    await expect(new CommandLanClient(labOnLoopback(port), gone).get()).rejects.toThrow(
      'the client container c could not send the request: Error response from daemon: Container c is not running (lab:up starts it again)',
    );
    const missing: LanClientPlace = {
      describe: { en: 'the client c', es: 'the client c' },
      command: (argv) => ['hafarm-no-such-program', ...argv],
    };
    await expect(new CommandLanClient(labOnLoopback(port), missing).get()).rejects.toThrow(
      'this host has no hafarm-no-such-program, which the requests from the client c need',
    );
  });
});
