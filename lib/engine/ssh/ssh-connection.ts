// One ssh2 connection per host, reused for every task of a run. Commands run as root in one
// persistent shell (entered through `sudo -n` when the login user is not root), each under a
// remote `timeout` so that a hung command dies on the machine too. Files are staged over SFTP.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import {
  CommandTimedOut,
  ConnectionLost,
  HostUnreachable,
  type ExecOptions,
  type ExecResult,
  type Remote,
} from '../remote.ts';
import { HostKeyChanged, type KnownHosts } from './known-hosts.ts';
import { printable } from '../../printable.ts';
import { quote } from './shell-quote.ts';
import type { SshTarget } from './ssh-target.ts';
import { FrameParser, FrameTooLarge, runLine, shellPreamble, type Frame } from './shell-protocol.ts';

export interface SshOptions {
  knownHosts: KnownHosts;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
}

/** Exit code of coreutils' timeout when it had to stop the command. */
const TIMEOUT_EXIT = 124;
const SHELL_START_TIMEOUT_MS = 20_000;

interface Pending {
  resolve(frame: Frame): void;
  reject(error: Error): void;
}

/** A shell of root's on a connection, beside any other: its commands one at a time. */
export interface ShellSession {
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** ends the shell (and what runs in it); the connection stays */
  close(): void;
  readonly ended: boolean;
  /** open, with no command running or waiting: another may use it */
  readonly idle: boolean;
}

/**
 * One `sh -s` on a session channel of the connection, each command framed by the shell
 * protocol. `onEnd` hears when it ends by itself; a command that gets no answer at all calls
 * `onSilent` (the machine may be gone: the connection is dropped).
 */
class Shell implements ShellSession {
  private channel: ClientChannel | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** commands run one at a time: a task's steps are sequential anyway */
  private queue: Promise<unknown> = Promise.resolve();
  private outstanding = 0;
  ended = false;

  constructor(
    private readonly host: string,
    private readonly user: string,
    private readonly commandTimeoutMs: number,
    private readonly events: { onEnd(why: string): void; onSilent(): void },
  ) {}

  start(client: Client): Promise<void> {
    const boundary = `@@hafarm-${randomBytes(12).toString('hex')}`;
    const parser = new FrameParser(boundary);
    const entry = this.user === 'root' ? 'exec sh -s' : 'exec sudo -n sh -s';
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new HostUnreachable(
              `${this.host}: the remote shell did not start within ${SHELL_START_TIMEOUT_MS / 1000}s`,
            ),
          ),
        SHELL_START_TIMEOUT_MS,
      );
      client.exec(entry, (error, channel) => {
        if (error) {
          clearTimeout(timer);
          return reject(new HostUnreachable(`${this.host}: cannot open a session: ${error.message}`));
        }
        const stderr: Buffer[] = [];
        // the shell's own stderr, for the message when it fails to start: its last lines only
        channel.stderr.on('data', (chunk: Buffer) => {
          stderr.push(chunk);
          if (stderr.length > 64) stderr.shift();
        });
        channel.on('data', (chunk: Buffer) => {
          const wasReady = parser.ready;
          let frames: Frame[];
          try {
            frames = parser.push(chunk);
          } catch (error) {
            if (!(error instanceof FrameTooLarge)) throw error;
            channel.close();
            this.end(`the machine ${error.message}`);
            return;
          }
          for (const frame of frames) {
            const waiter = this.pending.get(frame.id);
            this.pending.delete(frame.id);
            waiter?.resolve(frame);
          }
          if (!wasReady && parser.ready) {
            clearTimeout(timer);
            this.channel = channel;
            resolve();
          }
        });
        channel.on('close', () => {
          clearTimeout(timer);
          // the machine's words: bounded, and no terminal escape of its reaches the user
          const raw = Buffer.concat(stderr).toString().trim();
          const said = printable(raw.slice(-2000));
          if (!parser.ready) {
            const hint = /password is required|sudo/.test(said)
              ? ` (hafarm needs passwordless sudo for ${this.user})`
              : '';
            reject(new HostUnreachable(`${this.host}: the remote shell did not start: ${said || 'no message'}${hint}`));
          }
          const why = `the remote shell ended${raw ? `: ${printable((raw.split('\n').pop() ?? '').slice(-300))}` : ''}`;
          this.end(why);
          this.events.onEnd(why);
        });
        channel.write(shellPreamble(boundary));
      });
    });
  }

  /** Fails every command in flight with ConnectionLost: the runner reconnects and retries the step once. */
  end(why: string): void {
    if (this.ended) return;
    this.ended = true;
    this.channel?.close();
    this.channel = undefined;
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(new ConnectionLost(`${this.host}: ${why}`));
    }
  }

  close(): void {
    this.end('closed');
  }

  get idle(): boolean {
    return !this.ended && this.outstanding === 0;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.outstanding += 1;
    const run = this.queue.then(() => this.execNow(command, options)).finally(() => (this.outstanding -= 1));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private execNow(command: string, options: ExecOptions): Promise<ExecResult> {
    const channel = this.channel;
    if (!channel || this.ended) return Promise.reject(new ConnectionLost(`${this.host}: not connected`));
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    const id = this.nextId++;
    const shown = command.length > 100 ? `${command.slice(0, 100)}…` : command;
    return new Promise<ExecResult>((resolve, reject) => {
      // Our own deadline, after the remote one, for a machine that stops answering at all.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.events.onSilent();
        reject(new CommandTimedOut(`${this.host}: no answer after ${seconds}s to: ${shown}`));
      }, timeoutMs + 5_000);
      this.pending.set(id, {
        resolve: (frame) => {
          clearTimeout(timer);
          if (frame.code === TIMEOUT_EXIT)
            reject(new CommandTimedOut(`${this.host}: command timed out after ${seconds}s: ${shown}`));
          else
            resolve({
              code: frame.code,
              stdout: frame.stdout.toString(),
              stderr: frame.stderr.toString(),
              stdoutBytes: frame.stdout,
            });
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      channel.write(runLine(id, seconds, command));
    });
  }
}

export class SshConnection implements Remote {
  private client: Client | undefined;
  /** the shell exec() runs in; more are opened by shell() */
  private main: Shell | undefined;
  private readonly shells = new Set<Shell>();
  private sftpSession: Promise<SFTPWrapper> | undefined;
  /** how many times a TCP+SSH handshake was made: the benchmark reports it */
  opened = 0;

  constructor(
    private readonly target: SshTarget,
    private readonly options: SshOptions,
  ) {}

  get host(): string {
    return this.target.host;
  }

  /** whether the SSH connection is up (it was made and has not been lost or closed since) */
  get connected(): boolean {
    return this.client !== undefined;
  }

  async connect(): Promise<void> {
    this.close();
    const { Client } = await import('ssh2');
    const client = new Client();
    let keyError: Error | undefined;
    await new Promise<void>((resolve, reject) => {
      client
        .once('ready', () => resolve())
        // on, not once: a second error while connecting (or after the refusal) must not go unheard
        .on('error', (error) => reject(keyError ?? error))
        .connect({
          host: this.target.address,
          port: this.target.port,
          username: this.target.user,
          privateKey: readFileSync(this.target.privateKeyFile),
          readyTimeout: this.options.connectTimeoutMs ?? 20_000,
          keepaliveInterval: 5_000,
          keepaliveCountMax: 3,
          hostVerifier: (key: Buffer) => {
            try {
              this.options.knownHosts.verify(this.target.host, key);
              return true;
            } catch (error) {
              keyError = error as Error;
              return false;
            }
          },
        });
    }).catch((error: Error) => {
      client.end();
      if (error instanceof HostKeyChanged) throw error;
      throw new HostUnreachable(
        `${this.target.host}: cannot connect to ${this.target.user}@${this.target.address}:${this.target.port}: ${error.message}`,
      );
    });
    client.setNoDelay(true);
    client.on('error', () => undefined);
    client.on('close', () => this.lost(client, 'connection closed'));
    this.client = client;
    this.opened += 1;
    try {
      // the main shell ending is the connection ending: the runner reconnects
      this.main = await this.startShell(client, (why) => this.lost(client, why));
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private async startShell(client: Client, onEnd: (why: string) => void): Promise<Shell> {
    const shell = new Shell(this.host, this.target.user, this.options.commandTimeoutMs ?? 300_000, {
      onEnd: (why) => (this.shells.delete(shell), onEnd(why)),
      onSilent: () => this.lost(client, 'no answer from the remote shell'),
    });
    this.shells.add(shell);
    try {
      await shell.start(client);
    } catch (error) {
      this.shells.delete(shell);
      shell.end('closed');
      throw error;
    }
    return shell;
  }

  /**
   * Another root shell on this connection, beside the main one, for commands that must not wait
   * for the main shell's (the connection holder gives each command its own). It ending leaves
   * the connection as it is.
   */
  shell(): Promise<ShellSession> {
    const client = this.client;
    if (!client) return Promise.reject(new ConnectionLost(`${this.host}: not connected`));
    return this.startShell(client, () => undefined);
  }

  /** Fails every command in flight, on every shell: the runner reconnects and retries the step once. */
  private lost(client: Client, why: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.main = undefined;
    this.sftpSession = undefined;
    client.end();
    for (const shell of this.shells) shell.end(why);
    this.shells.clear();
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (!this.main) return Promise.reject(new ConnectionLost(`${this.host}: not connected`));
    return this.main.exec(command, options);
  }

  /**
   * A long-running command as root on a session of its own, beside the shell: its output
   * streams as it comes (a packet capture). The caller ends it, e.g. by killing its PID.
   */
  channel(command: string): Promise<ClientChannel> {
    const client = this.client;
    if (!client) return Promise.reject(new ConnectionLost(`${this.host}: not connected`));
    const asRoot = this.target.user === 'root' ? command : `sudo -n sh -c ${quote(command)}`;
    return new Promise((resolve, reject) =>
      client.exec(asRoot, (error, channel) =>
        error ? reject(new ConnectionLost(`${this.host}: cannot open a session: ${error.message}`)) : resolve(channel),
      ),
    );
  }

  /**
   * A TCP connection that the machine opens to address:port and hands back over SSH (OpenSSH's
   * direct-tcpip, as `ssh -L` uses): what lab:open sends a browser's requests through.
   */
  forwardOut(address: string, port: number): Promise<ClientChannel> {
    const client = this.client;
    if (!client) return Promise.reject(new ConnectionLost(`${this.host}: not connected`));
    return new Promise((resolve, reject) =>
      client.forwardOut('127.0.0.1', 0, address, port, (error, channel) =>
        error
          ? reject(new ConnectionLost(`${this.host}: cannot reach ${address}:${port}: ${error.message}`))
          : resolve(channel),
      ),
    );
  }

  private sftp(): Promise<SFTPWrapper> {
    const client = this.client;
    if (!client) return Promise.reject(new ConnectionLost(`${this.host}: not connected`));
    this.sftpSession ??= new Promise<SFTPWrapper>((resolve, reject) =>
      client.sftp((error, sftp) =>
        error ? reject(new ConnectionLost(`${this.host}: sftp: ${error.message}`)) : resolve(sftp),
      ),
    );
    return this.sftpSession;
  }

  async stage(content: Buffer): Promise<string> {
    const sftp = await this.sftp();
    const path = `/tmp/.hafarm-stage-${randomBytes(6).toString('hex')}`;
    await new Promise<void>((resolve, reject) =>
      sftp.writeFile(path, content, { mode: 0o600 }, (error) =>
        error ? reject(new ConnectionLost(`${this.host}: sftp write: ${error.message}`)) : resolve(),
      ),
    );
    return path;
  }

  close(): void {
    if (this.client) this.lost(this.client, 'closed');
  }
}
