// Packet captures for V6/V7 and lab:capture: a pcap a user opens in Wireshark, read back by the
// checks. Two places capture: tcpdump on the host, on the namespace provider's bridges, and
// tcpdump inside a lab machine over SSH (machine-capture.ts), which works on every provider.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { HOST_TOOLS, hostTool } from '../../providers/host-tools.ts';
import { claimOwnFile } from '../../files/own-file.ts';
import { parsePcap, type Packet } from '../../packets/pcap.ts';

export interface RunningCapture {
  file: string;
  /** where the packets were seen, for the evidence: "haproxy2 eth2", "bridge hswap-hb" */
  source: string;
  stop(): Promise<void>;
  /** the packets written so far, timed by this host's clock */
  packets(): Promise<Packet[]>;
}

/** The packets of a pcap, moved from the capturing machine's clock to this host's. */
export async function readPcap(file: string, clockOffsetSeconds = 0): Promise<Packet[]> {
  const packets = parsePcap(await readFile(file), file);
  return clockOffsetSeconds === 0 ? packets : packets.map((p) => ({ ...p, time: p.time - clockOffsetSeconds }));
}

/**
 * tcpdump's command line: --immediate-mode and -U hand over and write each packet as it comes,
 * so stopping or cutting a capture loses none of what it saw (without, the last second is lost).
 */
export function tcpdumpArgs(iface: string, out: string, filter?: string): string[] {
  return ['tcpdump', '-i', iface, '--immediate-mode', '-U', '-n', '-w', out, ...(filter ? filter.split(' ') : [])];
}

/** tcpdump's words when it did not start, its PID line (a shell's `echo $$`) left out. */
export function tcpdumpDidNotStart(where: string, said: string): Error {
  const why = said
    .split('\n')
    .filter((l) => l.trim() && !/^\d+$/.test(l))
    .join(' ')
    .trim();
  return new Error(`tcpdump on ${where} did not start: ${why || 'no message'}`);
}

/** Starts tcpdump on an interface of this host: a bridge of the namespace provider. */
export async function startHostCapture(options: {
  iface: string;
  file: string;
  filter?: string;
}): Promise<RunningCapture> {
  // tcpdump -w follows a link: none may stand where the pcap goes.
  claimOwnFile(options.file);
  const argv = tcpdumpArgs(options.iface, options.file, options.filter);
  const child: ChildProcess = spawn(hostTool('tcpdump'), argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  let failed: Error | undefined;
  // Without a listener a spawn error (no tcpdump on this host) would end the whole process.
  child.once(
    'error',
    (error: NodeJS.ErrnoException) =>
      (failed =
        error.code === 'ENOENT'
          ? new Error(
              `this host has no tcpdump, which the captures on the lab's bridges need: lab:up installs it, or apt-get install ${HOST_TOOLS.tcpdump}`,
            )
          : error),
  );
  child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  // tcpdump says "listening on …" once it captures.
  const deadline = Date.now() + 5000;
  while (!said.includes('listening on') && child.exitCode === null && !failed && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  if (failed) throw failed;
  if (child.exitCode !== null || !said.includes('listening on')) {
    child.kill('SIGKILL');
    throw new Error(`tcpdump on ${options.iface} did not start: ${said.trim() || 'no message'}`);
  }
  return {
    file: options.file,
    source: `bridge ${options.iface}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
    packets: () => readPcap(options.file),
  };
}
