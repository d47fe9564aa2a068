// lab:provision and lab:exec reach the machines through the lab's connection holder
// (lib/engine/ssh/held/): each machine's SSH connection stays open for a minute after a command,
// so the next command does not make it again. Where a holder cannot be had (Windows, a socket
// path too long, HAFARM_HOLD_CONNECTIONS=no, a folder that takes no socket) a command makes its
// own connections, as before.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import type { HostConnection } from '../engine/remote.ts';
import { HeldConnection, linkToHolder, type HolderAccess } from '../engine/ssh/held/held-connection.ts';
import { encodeMessage, MessageReader } from '../engine/ssh/held/holder-wire.ts';
import type { KnownHosts } from '../engine/ssh/known-hosts.ts';
import { SshConnection } from '../engine/ssh/ssh-connection.ts';
import type { SshTarget } from '../engine/ssh/ssh-target.ts';
import { packagePath } from '../package-root.ts';
import type { LabStateDir } from '../state/lab-state.ts';

/** As Ansible's ControlPersist=60s. */
export const HOLDER_IDLE_MS = 60_000;
/** A Unix socket's path has room for 107 bytes on Linux, 103 on macOS. */
const SOCKET_PATH_MAX = 100;

export function holderSocket(state: LabStateDir): string {
  return state.path('ssh', 'connections.sock');
}

/** How this lab's holder is reached and started; undefined where there is to be none. */
export function holderAccess(state: LabStateDir): HolderAccess | undefined {
  const socketPath = holderSocket(state);
  if (
    process.platform === 'win32' ||
    process.env.HAFARM_HOLD_CONNECTIONS === 'no' ||
    Buffer.byteLength(socketPath) > SOCKET_PATH_MAX
  )
    return undefined;
  return {
    socketPath,
    startHolder() {
      mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });
      const child = spawn(
        process.execPath,
        [packagePath('bin', 'hafarm.js'), 'hold-connections', '--socket', socketPath],
        { detached: true, stdio: 'ignore' },
      );
      child.on('error', () => undefined);
      child.unref();
      return { gaveUp: () => child.exitCode !== null || child.signalCode !== null };
    },
  };
}

export interface ConnectionSettings {
  knownHosts: KnownHosts;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

/** Each host's connection: the holder's where one answers (started if need be), else the command's own. */
export async function connectionsFor(
  state: LabStateDir,
  settings: ConnectionSettings,
): Promise<(target: SshTarget) => HostConnection> {
  const own = (target: SshTarget) =>
    new SshConnection(target, {
      knownHosts: settings.knownHosts,
      ...(settings.connectTimeoutMs ? { connectTimeoutMs: settings.connectTimeoutMs } : {}),
      ...(settings.commandTimeoutMs ? { commandTimeoutMs: settings.commandTimeoutMs } : {}),
    });
  const access = holderAccess(state);
  if (!access) return own;
  try {
    (await linkToHolder(access, 'the lab')).close();
  } catch {
    return own;
  }
  return (target) => new HeldConnection(target, { ...access, ...settings, knownHostsFile: settings.knownHosts.file });
}

/** Whether the process still runs: an ended one its parent has not reaped yet (a zombie) does not. */
function running(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Tells the lab's holder to let every connection go and end (lab:destroy); waits until its process has. */
export async function releaseHeldConnections(state: LabStateDir): Promise<void> {
  const socketPath = holderSocket(state);
  if (!existsSync(socketPath)) return;
  // a plain quit, whatever the holder's build or protocol: every holder has understood it
  const pid = await new Promise<number | undefined>((resolve) => {
    const socket = createConnection(socketPath);
    const reader = new MessageReader<{ pid?: number }>();
    const timer = setTimeout(() => (socket.destroy(), resolve(undefined)), 5_000);
    const done = (value: number | undefined) => (clearTimeout(timer), socket.destroy(), resolve(value));
    socket.once('connect', () => socket.write(encodeMessage({ id: 1, op: 'quit' })));
    socket.on('data', (chunk) => {
      const reply = reader.push(chunk)[0];
      if (reply) done(reply.pid);
    });
    // nothing answers on the socket: its holder is gone already
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
  });
  for (const started = Date.now(); pid !== undefined && running(pid) && Date.now() - started < 5_000;)
    await new Promise((resolve) => setTimeout(resolve, 20));
}
