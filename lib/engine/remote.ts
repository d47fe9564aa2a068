// What task modules see of a machine: run a command, stage a file. Everything else (SSH, sudo,
// timeouts, reconnects) stays behind this interface.
import { UserFacingError } from '../user-facing-error.ts';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for binary content */
  stdoutBytes: Buffer;
}

export interface ExecOptions {
  /** default: the connection's command timeout */
  timeoutMs?: number;
}

export interface Remote {
  readonly host: string;
  /** Runs a shell command as root (through sudo when the login user is not root). */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Writes content over SFTP to a fresh staging path readable by root; returns that path. */
  stage(content: Buffer): Promise<string>;
}

/** What the runner keeps per host: a Remote it connects (again, after a loss) and closes. */
export interface HostConnection extends Remote {
  connect(): Promise<void>;
  close(): void;
  /** whether it is connected now */
  readonly connected: boolean;
  /** how many times a TCP+SSH handshake was made for it: the recap and the benchmark report it */
  readonly opened: number;
}

/** The connection went away under a command: the step may be retried on a new connection. */
export class ConnectionLost extends Error {
  override name = 'ConnectionLost';
}

export class CommandTimedOut extends Error {
  override name = 'CommandTimedOut';
}

/** A machine that cannot be logged in to, said as the SSH connection said it: the user can act on it. */
export class HostUnreachable extends UserFacingError {
  override name = 'HostUnreachable';
}
