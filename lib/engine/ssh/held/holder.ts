// The connection holder: a small process of the lab's own that keeps each machine's SSH
// connection open between commands, as OpenSSH's ControlPersist does for Ansible. A command asks
// it over a Unix socket in the lab's ssh folder (mode 600, in a folder of mode 700) to run its
// commands on the connection it holds, instead of making a new one each time (about 0.2 s per
// command here, seconds on an emulated VM). It ends by itself after `idleMs` without a request,
// when its socket is removed or replaced (the lab destroyed), or when told to quit.
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ConnectionLost } from '../../remote.ts';
import { KnownHosts } from '../known-hosts.ts';
import { SshConnection, type ShellSession } from '../ssh-connection.ts';
import {
  encodeMessage,
  errorToWire,
  HOLDER_BUILD,
  HOLDER_PROTOCOL,
  MessageReader,
  targetKey,
  type HeldTarget,
  type HolderReply,
  type HolderRequest,
} from './holder-wire.ts';

export interface HolderOptions {
  socketPath: string;
  /** ends after this long without a request and without a command connected */
  idleMs: number;
}

/** Idle shells kept per machine for the commands to come. */
const SPARE_SHELLS = 4;

/** How long a held connection may take to answer `true` before it is taken for dead and made again. */
const PROBE_MS = 2_000;

/** Whether something answers on the socket (another holder): a stale socket file refuses. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // the socket file is made mode 600: only the lab's owner may use the connections
    const umask = process.umask(0o177);
    const failed = (error: Error) => (process.umask(umask), reject(error));
    server.once('error', failed);
    server.listen(socketPath, () => {
      process.umask(umask);
      server.off('error', failed);
      resolve();
    });
  });
}

class Holder {
  private readonly connections = new Map<string, SshConnection>();
  private readonly connecting = new Map<string, Promise<{ connection: SshConnection; opened: boolean }>>();
  private readonly clients = new Set<Socket>();
  /** each command's own shells, one per machine: a command never waits for another's (a long apt, a `sleep`) */
  private readonly shells = new Map<Socket, Map<string, Promise<ShellSession>>>();
  /** shells a command left with nothing running, per machine: the next command's (a new one costs a session's set-up on the machine) */
  private readonly spare = new Map<string, ShellSession[]>();
  private quitting = false;
  private lastRequest = Date.now();
  private socketInode = 0;
  private readonly ended: Promise<void>;
  private end!: () => void;

  constructor(
    private readonly server: Server,
    private readonly options: HolderOptions,
  ) {
    this.ended = new Promise((resolve) => (this.end = resolve));
    server.on('connection', (socket) => this.serve(socket));
  }

  async start(): Promise<void> {
    this.socketInode = statSync(this.options.socketPath).ino;
    const timer = setInterval(() => this.checkIdle(), Math.min(this.options.idleMs, 5_000));
    await this.ended;
    clearInterval(timer);
  }

  private ours(): boolean {
    try {
      return statSync(this.options.socketPath).ino === this.socketInode;
    } catch {
      return false;
    }
  }

  private checkIdle(): void {
    if (!this.ours()) return this.quit();
    if (this.clients.size === 0 && Date.now() - this.lastRequest >= this.options.idleMs) this.quit();
  }

  quit(): void {
    if (this.quitting) return;
    this.quitting = true;
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
    for (const client of this.clients) client.destroy();
    // Closing the server removes the file at the socket's path (libuv does, later): not when
    // that is another holder's now (this lab's folder removed and made again).
    const ours = this.ours();
    if (ours) unlinkSync(this.options.socketPath);
    if (ours || !existsSync(this.options.socketPath)) this.server.close();
    this.end();
  }

  private serve(socket: Socket): void {
    this.clients.add(socket);
    const reader = new MessageReader<HolderRequest>();
    socket.on('data', (chunk) => {
      let requests: HolderRequest[];
      try {
        requests = reader.push(chunk);
      } catch {
        return socket.destroy(); // not a command of ours
      }
      for (const request of requests) void this.answer(socket, request);
    });
    socket.on('close', () => {
      this.clients.delete(socket);
      this.lastRequest = Date.now();
      // its idle shells are kept for the next command; a busy one (Ctrl-C) is closed: it ends once
      // its current command has, as when a command's own connection dropped
      for (const [key, shell] of this.shells.get(socket) ?? [])
        void shell.then(
          (s) => this.release(key, s),
          () => undefined,
        );
      this.shells.delete(socket);
    });
    socket.on('error', () => undefined);
  }

  private async answer(socket: Socket, request: HolderRequest): Promise<void> {
    this.lastRequest = Date.now();
    let reply: HolderReply;
    try {
      reply = { id: request.id, ok: true, ...(await this.perform(socket, request)) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: errorToWire(error) };
    }
    if (!socket.destroyed) socket.write(encodeMessage(reply));
    if (request.op === 'quit') this.quit();
  }

  private async perform(
    socket: Socket,
    request: HolderRequest,
  ): Promise<Omit<Extract<HolderReply, { ok: true }>, 'id' | 'ok'>> {
    switch (request.op) {
      case 'hello':
      case 'quit':
        return { protocol: HOLDER_PROTOCOL, build: HOLDER_BUILD, pid: process.pid };
      case 'connect':
        return { opened: (await this.connection(request.target)).opened };
      case 'exec': {
        const shell = await this.shellFor(socket, request.target);
        const result = await shell.exec(request.command, { timeoutMs: request.timeoutMs });
        return {
          code: result.code,
          stdout: result.stdoutBytes.toString('base64'),
          stderr: Buffer.from(result.stderr).toString('base64'),
        };
      }
      case 'stage': {
        const connection = this.held(request.target);
        return { path: await connection.stage(Buffer.from(request.content, 'base64')) };
      }
    }
  }

  private release(key: string, shell: ShellSession): void {
    const spare = this.spare.get(key) ?? [];
    if (!shell.idle || this.quitting || spare.length >= SPARE_SHELLS) return shell.close();
    this.spare.set(key, [...spare, shell]);
  }

  /** The command's own shell on the machine's held connection: a spare one, or one opened on its first command there. */
  private async shellFor(socket: Socket, target: HeldTarget): Promise<ShellSession> {
    const key = targetKey(target);
    let mine = this.shells.get(socket);
    if (!mine) this.shells.set(socket, (mine = new Map()));
    const open = mine.get(key);
    if (open) {
      const shell = await open.catch(() => undefined);
      if (shell && !shell.ended) return shell;
    }
    const connection = this.held(target);
    const spare = (this.spare.get(key) ?? []).filter((shell) => shell.idle);
    const reused = spare.shift();
    this.spare.set(key, spare);
    const opening = reused ? Promise.resolve(reused) : connection.shell();
    mine.set(key, opening);
    return opening;
  }

  /** The connection a command's connect request made or found; lost, it is said so, as SshConnection says it. */
  private held(target: HeldTarget): SshConnection {
    const connection = this.connections.get(targetKey(target));
    if (!connection?.connected) throw new ConnectionLost(`${target.host}: not connected`);
    return connection;
  }

  /**
   * The held connection to a target, made when there is none or the one held is gone. On a
   * connect request one that is held is first asked `true`: a machine powered off under it sends
   * nothing to say so.
   */
  private async connection(target: HeldTarget): Promise<{ connection: SshConnection; opened: boolean }> {
    const key = targetKey(target);
    const inFlight = this.connecting.get(key);
    if (inFlight) return inFlight;
    // registered before anything is awaited: a second command asking meanwhile waits for this one
    const making = this.ensureConnection(target, key);
    this.connecting.set(key, making);
    try {
      return await making;
    } finally {
      this.connecting.delete(key);
    }
  }

  private async ensureConnection(
    target: HeldTarget,
    key: string,
  ): Promise<{ connection: SshConnection; opened: boolean }> {
    const held = this.connections.get(key);
    if (held?.connected && (await this.alive(held))) return { connection: held, opened: false };
    held?.close();
    this.connections.delete(key);
    const connection = new SshConnection(target, {
      knownHosts: new KnownHosts(target.knownHostsFile),
      ...(target.connectTimeoutMs ? { connectTimeoutMs: target.connectTimeoutMs } : {}),
    });
    await connection.connect();
    if (this.quitting) {
      connection.close();
      throw new ConnectionLost(`${target.host}: the connection holder is ending`);
    }
    this.connections.set(key, connection);
    return { connection, opened: true };
  }

  private async alive(connection: SshConnection): Promise<boolean> {
    const answered = connection.exec('true', { timeoutMs: 1_000 }).then(
      (result) => result.code === 0,
      () => false,
    );
    const silent = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), PROBE_MS).unref());
    return Promise.race([answered, silent]);
  }
}

/**
 * Holds connections until idle. Returns at once when another holder answers on the socket
 * already (two commands started one each at the same moment).
 */
export async function holdConnections(options: HolderOptions): Promise<void> {
  const server = createServer();
  try {
    await listen(server, options.socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (await answers(options.socketPath)) return;
    if (existsSync(options.socketPath)) unlinkSync(options.socketPath);
    await listen(server, options.socketPath);
  }
  const holder = new Holder(server, options);
  process.once('SIGTERM', () => holder.quit());
  process.once('SIGINT', () => holder.quit());
  await holder.start();
}
