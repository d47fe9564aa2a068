// Packet captures for V6/V7 and lab:capture: tcpdump writes a pcap a user opens in Wireshark,
// and reads it back (tcpdump -r) for the checks. Started by us, stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';

export interface RunningCapture {
  file: string;
  stop(): Promise<void>;
}

/** Starts tcpdump on an interface (inside a network namespace when one is given). */
export async function startCapture(options: { iface: string; file: string; filter?: string; namespace?: string }): Promise<RunningCapture> {
  mkdirSync(dirname(options.file), { recursive: true });
  const tcpdump = ['tcpdump', '-i', options.iface, '-U', '-n', '-w', options.file, ...(options.filter ? options.filter.split(' ') : [])];
  const argv = options.namespace ? ['ip', 'netns', 'exec', options.namespace, ...tcpdump] : tcpdump;
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  // tcpdump says "listening on …" once it captures.
  const deadline = Date.now() + 5000;
  while (!said.includes('listening on') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (child.exitCode !== null || !said.includes('listening on')) {
    child.kill('SIGKILL');
    throw new Error(`tcpdump on ${options.iface} did not start: ${said.trim() || 'no message'}`);
  }
  return {
    file: options.file,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}

export interface Packet {
  /** seconds since the epoch */
  time: number;
  line: string;
}

/** The capture's packets as tcpdump prints them (-tt: epoch times, -e: MAC addresses). */
export async function readCapture(file: string): Promise<Packet[]> {
  const result = await execa('tcpdump', ['-r', file, '-nn', '-tt', '-e'], { reject: false });
  if (result.exitCode !== 0) throw new Error(`cannot read ${file}: ${String(result.stderr).trim()}`);
  return String(result.stdout)
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ time: Number(line.split(' ')[0]), line }));
}

/** Heartbeat packets (UDP broadcasts to its port, from any source port) sent from one address. */
export function heartbeatsFrom(packets: Packet[], address: string, broadcastAddress: string, port: number): Packet[] {
  const pattern = new RegExp(` ${address.replaceAll('.', '\\.')}\\.\\d+ > ${broadcastAddress.replaceAll('.', '\\.')}\\.${port}: UDP`);
  return packets.filter((p) => pattern.test(p.line));
}

/** The source MAC of a packet printed with -e. */
export function senderMac(packet: Packet): string {
  return packet.line.split(' ')[1] ?? '';
}

/** Gratuitous ARP for an address: a request or reply that the address itself sends about itself. */
export function gratuitousArps(packets: Packet[], address: string): Packet[] {
  return packets.filter((p) => p.line.includes('ARP') && (p.line.includes(`who-has ${address} tell ${address}`) || p.line.includes(`Reply ${address} is-at`)));
}
