// The LAN client of the Vagrant providers (and of --from): curl on a "machine" over SSH (a real
// sshd on loopback) against a real HTTP server standing in for the farm. A request that hangs
// must not hold up another one beside it (V3 reads the stats while its load waits on a dead
// server), and the machines' endpoints are asked for once however many shells the client opens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import type { Lab } from '../../lib/lab/model.ts';
import type { LabProvider, SshEndpoint } from '../../lib/providers/provider.ts';
import { MachineLanClient } from '../../lib/verify/transport/lan-client.ts';
import { MachineConnections } from '../../lib/verify/transport/machine-connections.ts';
import { scratchDir } from '../helpers/cli.ts';
import { startSshd, type TestSshd } from '../helpers/sshd.ts';

const scratch = scratchDir('lan-client');
let sshd: TestSshd;
let site: Server;
let port: number;

beforeAll(async () => {
  sshd = await startSshd();
  site = createServer((request, response) => {
    const answer = () =>
      response
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end(`<h1>Bienvenido a nginx! (web1) ${request.url}</h1>`);
    if (request.url === '/slow') setTimeout(answer, 3000);
    else answer();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  port = (site.address() as AddressInfo).port;
});
afterAll(async () => {
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
  await sshd?.stop();
  scratch.remove();
});

describe('a lab machine as the LAN client', () => {
  it('runs a request beside one that hangs, on a shell of its own, and asks for endpoints once', async () => {
    let asked = 0;
    const provider = {
      async sshEndpoints() {
        asked++;
        return new Map<string, SshEndpoint>([['web3', sshd.endpoint('web3')]]);
      },
    } as unknown as LabProvider;
    const lab = { vip: { name: 'trabajoswap.com', address: '127.0.0.1' }, haproxy: { port } } as unknown as Lab;
    const knownHosts = new KnownHosts(`${scratch.dir}/known_hosts`);
    const endpoints = new Map<string, SshEndpoint>();
    const client = new MachineLanClient(lab, () => new MachineConnections(provider, knownHosts, endpoints), 'web3');
    try {
      const first = await client.get();
      expect(first?.status).toBe(200);
      expect(first?.body).toContain('Bienvenido a nginx! (web1) /');

      const finished: string[] = [];
      const slow = client.get({ path: '/slow', timeoutMs: 10_000 }).then((a) => finished.push(`slow ${a?.status}`));
      await new Promise((r) => setTimeout(r, 300));
      const quick = await client.get({ path: '/quick' });
      finished.push(`quick ${quick?.status}`);
      await slow;
      // Queued behind the slow one on a single shell, the quick request would finish second.
      expect(finished).toEqual(['quick 200', 'slow 200']);
      expect(client.shells).toBe(2);
      expect(asked).toBe(1);

      // Idle shells are reused: sequential requests open no more.
      for (let i = 0; i < 3; i++) expect((await client.get())?.status).toBe(200);
      expect(client.shells).toBe(2);
    } finally {
      client.close();
    }
  }, 60_000);
});
