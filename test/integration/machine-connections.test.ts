// The checks' connections to the machines against a real sshd: two commands at once for one
// machine share one connection, and closeAll leaves none open (a second one made at the same
// moment was left open, and kept lab:verify from ending after its diagnosis).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import { MachineConnections } from '../../lib/verify/transport/machine-connections.ts';
import { sshdForTests } from '../helpers/sshd.ts';

const { scratch, sshd } = sshdForTests('machine-connections');

describe('the connections of the checks', () => {
  it('share one connection among commands sent at once, and closeAll leaves no session behind', async () => {
    const provider = { sshEndpoints: async () => new Map([['web1', sshd().endpoint('web1')]]) };
    const connections = new MachineConnections(provider, new KnownHosts(join(scratch.dir, 'known_hosts')));
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => connections.exec('web1', `echo ${i}`)));
    expect(answers.map((a) => a.stdout.trim())).toEqual(['0', '1', '2', '3']);
    connections.closeAll();
    await expect.poll(() => sshd().sessionPids(), { timeout: 10_000 }).toEqual([]);
  }, 60_000);

  it('a connection forgotten while it is being made is closed, not kept', async () => {
    const provider = { sshEndpoints: async () => new Map([['web1', sshd().endpoint('web1')]]) };
    const connections = new MachineConnections(provider, new KnownHosts(join(scratch.dir, 'known_hosts')));
    const made = connections.connection('web1');
    connections.closeAll();
    await expect(made).rejects.toThrow('web1: its connection was closed while it was being made');
    await expect.poll(() => sshd().sessionPids(), { timeout: 10_000 }).toEqual([]);
  }, 60_000);
});
