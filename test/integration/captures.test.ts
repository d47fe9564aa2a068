// Captures for V6/V7 and lab:capture, for real: tcpdump on this host, and tcpdump inside a
// "machine" over SSH (a real sshd on loopback, as root and as a sudo user), streaming its pcap
// back. What the TypeScript pcap reader decodes is compared with what tcpdump itself reads.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import { SshConnection } from '../../lib/engine/ssh/ssh-connection.ts';
import { LinkInTheWay } from '../../lib/files/own-file.ts';
import { startHostCapture, type RunningCapture } from '../../lib/verify/transport/host-capture.ts';
import { clockOffset, startMachineCapture } from '../../lib/verify/transport/machine-capture.ts';
import { freePort, sshdForTests, SUDO_USER } from '../helpers/sshd.ts';

const { scratch, sshd } = sshdForTests('captures');

async function sendDatagrams(port: number, count: number): Promise<void> {
  const socket = createSocket('udp4');
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) =>
      socket.send(Buffer.from(`heartbeat ${i}`), port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
    await new Promise((r) => setTimeout(r, 20));
  }
  socket.close();
}

/** PIDs of the tcpdumps capturing that port (read only: nothing is ended by name). */
function tcpdumpsOn(port: number): string {
  return execFileSync('sh', ['-c', `pgrep -f '[t]cpdump -i lo --immediate-mode -U -n -w - udp port ${port}' || true`], {
    encoding: 'utf8',
  }).trim();
}

/** tcpdump's own reading of the file: epoch time, source and destination with ports. */
function tcpdumpRead(file: string): Array<{ time: number; from: string; to: string }> {
  const out = execFileSync('tcpdump', ['-r', file, '-nn', '-tt', '-e'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = / (\d+\.\d+\.\d+\.\d+\.\d+) > (\d+\.\d+\.\d+\.\d+\.\d+): UDP/.exec(line)!;
      return { time: Number(line.split(' ')[0]), from: match[1]!, to: match[2]! };
    });
}

async function expectSameAsTcpdump(capture: RunningCapture, port: number, count: number): Promise<void> {
  const packets = await capture.packets();
  const seen = tcpdumpRead(capture.file);
  expect(packets).toHaveLength(count);
  expect(seen).toHaveLength(count);
  packets.forEach((packet, i) => {
    expect(`${packet.ipv4?.src}.${packet.udp?.srcPort}`).toBe(seen[i]!.from);
    expect(`${packet.ipv4?.dst}.${packet.udp?.dstPort}`).toBe(seen[i]!.to);
    expect(packet.udp?.dstPort).toBe(port);
    expect(packet.udp?.length).toBe(`heartbeat ${i}`.length);
  });
  return undefined;
}

describe('tcpdump on this host', () => {
  it('writes a pcap that the reader decodes as tcpdump does, to the microsecond', async () => {
    const port = await freePort();
    const capture = await startHostCapture({
      iface: 'lo',
      file: join(scratch.dir, 'host.pcap'),
      filter: `udp port ${port}`,
    });
    await sendDatagrams(port, 4);
    await new Promise((r) => setTimeout(r, 200));
    await capture.stop();
    await expectSameAsTcpdump(capture, port, 4);
    const times = tcpdumpRead(capture.file).map((p) => p.time);
    expect((await capture.packets()).map((p) => Math.round(p.time * 1e6))).toEqual(
      times.map((t) => Math.round(t * 1e6)),
    );
    expect(capture.source).toBe('bridge lo');
  });

  it('never writes through a link planted where the pcap goes: tcpdump does not start', async () => {
    const target = join(scratch.dir, 'precious');
    writeFileSync(target, 'keep me');
    const planted = join(scratch.dir, 'planted.pcap');
    symlinkSync(target, planted);
    await expect(startHostCapture({ iface: 'lo', file: planted })).rejects.toThrow(LinkInTheWay);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });
});

describe.each([['root'], [SUDO_USER]])('tcpdump inside a machine over SSH, as %s', (user) => {
  let connection: SshConnection;

  beforeAll(async () => {
    connection = new SshConnection(sshd().endpoint('testhost', user), {
      knownHosts: new KnownHosts(join(scratch.dir, `known_hosts-${user}`)),
    });
    await connection.connect();
  });
  afterAll(() => connection?.close());

  it('streams the pcap to this host and stops the remote tcpdump it started', async () => {
    const port = await freePort();
    const file = join(scratch.dir, `machine-${user}.pcap`);
    const capture = await startMachineCapture(connection, { iface: 'lo', file, filter: `udp port ${port}` });
    expect(capture.source).toBe('testhost lo');
    const running = () => tcpdumpsOn(port);
    expect(running()).not.toBe('');
    await sendDatagrams(port, 3);
    await new Promise((r) => setTimeout(r, 200));
    await capture.stop();
    expect(running()).toBe('');
    await expectSameAsTcpdump(capture, port, 3);
    // Same clock here: the measured offset is about a round trip on loopback.
    expect(Math.abs(await clockOffset(connection))).toBeLessThan(0.5);
  });

  it('says why when tcpdump cannot start, and leaves nothing running', async () => {
    await expect(
      startMachineCapture(connection, { iface: 'nosuchif0', file: join(scratch.dir, 'none.pcap') }),
    ).rejects.toThrow(/^tcpdump on testhost nosuchif0 did not start: .*nosuchif0/);
    // The connection stays usable.
    expect((await connection.exec('echo still here')).stdout.trim()).toBe('still here');
  });
});

describe('a capture whose machine goes away', () => {
  it('keeps every packet that came before the connection was lost', async () => {
    const connection = new SshConnection(sshd().endpoint('testhost', 'root'), {
      knownHosts: new KnownHosts(join(scratch.dir, 'known_hosts-lost')),
    });
    await connection.connect();
    const port = await freePort();
    const capture = await startMachineCapture(connection, {
      iface: 'lo',
      file: join(scratch.dir, 'lost.pcap'),
      filter: `udp port ${port}`,
    });
    try {
      await sendDatagrams(port, 2);
      await new Promise((r) => setTimeout(r, 300));
      connection.close();
      await capture.stop();
      expect((await capture.packets()).map((p) => p.udp?.dstPort)).toEqual([port, port]);
    } finally {
      // Without its channel, the remote tcpdump ends at its next packet (SIGPIPE), as on a
      // machine that lost its controller; on a machine powered off nothing is left anyway.
      await sendDatagrams(port, 1);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(tcpdumpsOn(port)).toBe('');
  });
});
