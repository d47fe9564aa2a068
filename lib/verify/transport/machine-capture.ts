// tcpdump inside a lab machine, over SSH: the pcap streams into a file on this host as packets
// come. It works on every provider, also where the host has no tcpdump (macOS, Windows) or no
// way onto the lab's networks (VirtualBox's internal networks). Packet times come from the
// machine's clock, so the offset to this host's clock is measured when the capture starts.
import { createWriteStream, openSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { SshConnection } from '../../engine/ssh/ssh-connection.ts';
import { command } from '../../engine/ssh/shell-quote.ts';
import { claimOwnFile, OWN_FILE_FLAGS } from '../../files/own-file.ts';
import { readPcap, tcpdumpArgs, tcpdumpDidNotStart, type RunningCapture } from './host-capture.ts';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a promise at most ms, leaving no timer behind to hold the process open. */
async function atMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** The machine's clock minus this host's, in seconds, to within half a round trip. */
export async function clockOffset(connection: SshConnection): Promise<number> {
  const before = Date.now();
  const said = (await connection.exec('date +%s.%N')).stdout.trim();
  const after = Date.now();
  const remote = Number(said);
  if (!Number.isFinite(remote)) throw new Error(`${connection.host}: cannot read its clock ("${said}")`);
  return remote - (before + after) / 2000;
}

export async function startMachineCapture(
  connection: SshConnection,
  options: { iface: string; file: string; filter?: string },
): Promise<RunningCapture> {
  const where = `${connection.host} ${options.iface}`;
  if ((await connection.exec('command -v tcpdump')).code !== 0)
    throw new Error(`${connection.host} has no tcpdump: npm run lab:provision installs it (role tools)`);
  const offset = await clockOffset(connection);
  claimOwnFile(options.file);
  const out = createWriteStream('', { fd: openSync(options.file, OWN_FILE_FLAGS, 0o644) });
  // The shell says its PID, then becomes tcpdump: stop() ends exactly that process.
  const channel = await connection.channel(
    `echo $$ >&2; exec ${command(...tcpdumpArgs(options.iface, '-', options.filter))}`,
  );
  let said = '';
  let closed = false;
  channel.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  channel.pipe(out);
  const ended = new Promise<void>((resolve) =>
    channel.once('close', () => {
      closed = true;
      // A lost connection closes the channel without ending it: keep what came.
      if (!out.writableEnded) out.end();
      resolve();
    }),
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!said.includes('listening on') && !closed && Date.now() < deadline) await sleep(20);
  const pid = /^(\d+)$/m.exec(said)?.[1];
  if (!said.includes('listening on') || !pid) {
    channel.close();
    await atMost(ended, STOP_TIMEOUT_MS);
    throw tcpdumpDidNotStart(where, said);
  }
  return {
    file: options.file,
    source: where,
    async stop() {
      if (!closed) await connection.exec(`kill -INT ${pid} 2>/dev/null || true`).catch(() => undefined);
      await atMost(ended, STOP_TIMEOUT_MS);
      if (!closed) channel.close();
      if (!out.writableEnded) out.end();
      await finished(out).catch(() => undefined);
    },
    packets: () => readPcap(options.file, offset),
  };
}
