// A machine's connection as the connection holder keeps it (holder.ts): the Remote the runner
// uses, its commands sent over the holder's socket. `opened` counts only the handshakes the
// holder made for it: none when the connection was held already.
import { createConnection, type Socket } from 'node:net';
import {
  ConnectionLost,
  HostUnreachable,
  type ExecOptions,
  type ExecResult,
  type HostConnection,
} from '../../remote.ts';
import type { SshTarget } from '../ssh-target.ts';
import {
  encodeMessage,
  errorFromWire,
  HOLDER_BUILD,
  HOLDER_PROTOCOL,
  MessageReader,
  type HeldTarget,
  type HolderReply,
  type HolderRequest,
} from './holder-wire.ts';

export interface HolderAccess {
  socketPath: string;
  /** starts a holder on socketPath (a process of its own that outlives this one); gaveUp: it ended before answering */
  startHolder(): { gaveUp(): boolean };
}

export interface HeldOptions extends HolderAccess {
  knownHostsFile: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

type Request = HolderRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
type Answer = Extract<HolderReply, { ok: true }>;

/** How long a started holder may take to answer on its socket. */
const START_MS = 10_000;
/** Beyond a command's own deadline (the holder's SshConnection enforces it), for a holder that hangs. */
const GRACE_MS = 15_000;

function socketTo(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.once('connect', () => (socket.off('error', reject), resolve(socket)));
    socket.once('error', reject);
  });
}

/** One socket to the holder, its requests and replies matched by id. */
class HolderLink {
  private readonly pending = new Map<number, { resolve(reply: Answer): void; reject(error: Error): void }>();
  private nextId = 1;
  closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    const reader = new MessageReader<HolderReply>();
    socket.on('data', (chunk) => {
      let replies: HolderReply[];
      try {
        replies = reader.push(chunk);
      } catch {
        socket.destroy();
        return this.fail('the connection holder answered something unreadable');
      }
      for (const reply of replies) {
        const waiter = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.ok) waiter?.resolve(reply);
        else waiter?.reject(errorFromWire(reply.error));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.fail('the connection holder went away'));
  }

  private fail(why: string): void {
    this.closed = true;
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(new ConnectionLost(`${this.host}: ${why}`));
    }
  }

  request(request: Request, deadlineMs: number): Promise<Answer> {
    if (this.closed) return Promise.reject(new ConnectionLost(`${this.host}: not connected`));
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        this.fail(`no answer from the connection holder within ${Math.round(deadlineMs / 1000)}s`);
      }, deadlineMs);
      this.pending.set(id, {
        resolve: (reply) => (clearTimeout(timer), resolve(reply)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.socket.write(encodeMessage({ id, ...request } as HolderRequest));
    });
  }

  close(): void {
    this.socket.end();
    this.fail('closed');
  }
}

/**
 * A link to the holder on the socket, starting one where none answers; a holder of another
 * protocol or build (an older hafarm) is told to quit and replaced. Throws when none can be had.
 */
export async function linkToHolder(access: HolderAccess, host: string): Promise<HolderLink> {
  for (let attempt = 0; attempt < 2; attempt++) {
    let socket = await socketTo(access.socketPath).catch(() => undefined);
    if (!socket) {
      const started = access.startHolder();
      for (const since = Date.now(); !socket && !started.gaveUp() && Date.now() - since < START_MS;) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        socket = await socketTo(access.socketPath).catch(() => undefined);
      }
      if (!socket)
        throw new HostUnreachable(`${host}: the connection holder did not start (socket ${access.socketPath})`);
    }
    const link = new HolderLink(socket, host);
    const hello = await link.request({ op: 'hello' }, 5_000);
    if (hello.protocol === HOLDER_PROTOCOL && hello.build === HOLDER_BUILD) return link;
    await link.request({ op: 'quit' }, 5_000).catch(() => undefined);
    link.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new HostUnreachable(
    `${host}: the connection holder on ${access.socketPath} is of another build and did not quit`,
  );
}

export class HeldConnection implements HostConnection {
  private link: HolderLink | undefined;
  opened = 0;

  constructor(
    private readonly target: SshTarget,
    private readonly options: HeldOptions,
  ) {}

  get host(): string {
    return this.target.host;
  }

  get connected(): boolean {
    return this.link !== undefined && !this.link.closed;
  }

  private held(): HeldTarget {
    return {
      ...this.target,
      knownHostsFile: this.options.knownHostsFile,
      ...(this.options.connectTimeoutMs ? { connectTimeoutMs: this.options.connectTimeoutMs } : {}),
    };
  }

  private now(): HolderLink {
    if (!this.link || this.link.closed) throw new ConnectionLost(`${this.host}: not connected`);
    return this.link;
  }

  /** Connected, or nothing left open: a failed connect lets go of the holder, as SshConnection closes. */
  async connect(): Promise<void> {
    try {
      if (!this.link || this.link.closed) this.link = await linkToHolder(this.options, this.host);
      const reply = await this.link.request(
        { op: 'connect', target: this.held() },
        (this.options.connectTimeoutMs ?? 20_000) + 20_000 + GRACE_MS,
      );
      if (reply.opened) this.opened += 1;
    } catch (error) {
      this.close();
      throw error;
    }
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs ?? 300_000;
    const reply = await this.now().request(
      { op: 'exec', target: this.held(), command, timeoutMs },
      timeoutMs + GRACE_MS,
    );
    const stdoutBytes = Buffer.from(reply.stdout ?? '', 'base64');
    return {
      code: reply.code ?? -1,
      stdout: stdoutBytes.toString(),
      stderr: Buffer.from(reply.stderr ?? '', 'base64').toString(),
      stdoutBytes,
    };
  }

  async stage(content: Buffer): Promise<string> {
    const reply = await this.now().request(
      { op: 'stage', target: this.held(), content: content.toString('base64') },
      120_000,
    );
    return reply.path ?? '';
  }

  /** Lets go of the holder; the holder keeps the machine's connection for the next command. */
  close(): void {
    this.link?.close();
    this.link = undefined;
  }
}
