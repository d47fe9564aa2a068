// tcpdump on a client on the LAN that this host runs commands on (the Docker provider's client
// container): where the requests come from, so it sees what a client sees, the unicast ARP
// replies of two VIP holders included (V8), which no other machine on the bridge does. The pcap
// streams into a file on this host as packets come; the client shares this host's clock or its
// VM's (Docker Desktop), so no offset is taken.
import { spawn } from 'node:child_process';
import { createWriteStream, openSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { claimOwnFile, OWN_FILE_FLAGS } from '../../files/own-file.ts';
import type { LanClientPlace } from '../../providers/provider.ts';
import { readPcap, tcpdumpArgs, tcpdumpDidNotStart, type RunningCapture } from './host-capture.ts';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Runs argv on the client, for at most 15 s; its output and exit code (null when it did not end by itself). */
function onClient(place: LanClientPlace, argv: string[]): Promise<{ code: number | null; stdout: string }> {
  const [program, ...args] = place.command(argv);
  return new Promise((resolve) => {
    const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', () => {
      clearTimeout(timer);
      resolve({ code: null, stdout });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/** The client's interface towards an address of the LAN (`ip route get`). */
export async function clientInterfaceTowards(place: LanClientPlace, address: string): Promise<string> {
  const said = (await onClient(place, ['ip', '-o', 'route', 'get', address])).stdout;
  const iface = / dev (\S+)/.exec(said)?.[1];
  if (!iface) throw new Error(`${place.describe.en}: no route to ${address} (ip route get said "${said.trim()}")`);
  return iface;
}

export async function startClientCapture(
  place: LanClientPlace,
  options: { iface: string; file: string; filter?: string },
): Promise<RunningCapture> {
  const where = `${place.describe.en} ${options.iface}`;
  claimOwnFile(options.file);
  const out = createWriteStream('', { fd: openSync(options.file, OWN_FILE_FLAGS, 0o644) });
  // The shell says its PID, then becomes tcpdump: stop() ends exactly that process (ending the
  // command here, docker exec, would leave it running on the client).
  const [program, ...args] = place.command([
    'sh',
    '-c',
    'echo $$ >&2; exec "$@"',
    'capture',
    ...tcpdumpArgs(options.iface, '-', options.filter),
  ]);
  const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  let closed = false;
  child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  child.stdout.pipe(out);
  const ended = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      said += error.message;
      closed = true;
      resolve();
    });
    child.once('close', () => {
      closed = true;
      resolve();
    });
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!said.includes('listening on') && !closed && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  // The PID as said so far: read again at stop, for a tcpdump whose PID came late.
  const pidSaid = () => /^(\d+)$/m.exec(said)?.[1];
  const pid = pidSaid();
  const stopIt = async (): Promise<void> => {
    const running = pidSaid();
    if (!closed && running) await onClient(place, ['sh', '-c', 'kill -INT "$0"', running]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((r) => (timer = setTimeout(r, STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (!closed) child.kill('SIGKILL');
    // ending docker exec here leaves tcpdump running there: its PID, if it came meanwhile
    const late = pidSaid();
    if (!running && late) await onClient(place, ['sh', '-c', 'kill -KILL "$0"', late]);
    await finished(out).catch(() => undefined);
  };
  if (!said.includes('listening on') || !pid) {
    await stopIt();
    throw tcpdumpDidNotStart(where, said);
  }
  return { file: options.file, source: where, stop: stopIt, packets: () => readPcap(options.file) };
}
