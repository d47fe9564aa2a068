// What a command and the connection holder (holder.ts) say to each other over its Unix socket:
// one JSON object a line. Bytes travel as base64; errors as their kind and message, made again
// on the command's side as the engine's own classes, so the runner treats them as it always has.
import { statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { CommandTimedOut, ConnectionLost, HostUnreachable } from '../../remote.ts';
import { HostKeyChanged } from '../known-hosts.ts';
import type { SshTarget } from '../ssh-target.ts';

/** Raised when the messages change: a holder of another protocol is told to quit and started again. */
export const HOLDER_PROTOCOL = 1;

/**
 * Which build of hafarm this is (the file this code runs from: dist/hafarm.js compiled, this
 * file as TypeScript): a holder left running by an older build is replaced, not used.
 */
export const HOLDER_BUILD = (() => {
  const stat = statSync(fileURLToPath(import.meta.url));
  return `${stat.size}:${stat.mtimeMs}`;
})();

export interface HeldTarget extends SshTarget {
  knownHostsFile: string;
  connectTimeoutMs?: number;
}

export type HolderRequest =
  | { id: number; op: 'hello' }
  | { id: number; op: 'connect'; target: HeldTarget }
  | { id: number; op: 'exec'; target: HeldTarget; command: string; timeoutMs: number }
  | { id: number; op: 'stage'; target: HeldTarget; content: string }
  | { id: number; op: 'quit' };

export type WireErrorKind = 'ConnectionLost' | 'CommandTimedOut' | 'HostUnreachable' | 'HostKeyChanged' | 'Error';

export type HolderReply =
  | {
      id: number;
      ok: true;
      protocol?: number;
      build?: string;
      pid?: number;
      opened?: boolean;
      code?: number;
      stdout?: string;
      stderr?: string;
      path?: string;
    }
  | { id: number; ok: false; error: { kind: WireErrorKind; message: string } };

/** One connection per distinct way in: the same machine under another key file is another one. */
export function targetKey(target: HeldTarget): string {
  return JSON.stringify([
    target.host,
    target.user,
    target.address,
    target.port,
    target.privateKeyFile,
    target.knownHostsFile,
  ]);
}

export function encodeMessage(message: HolderRequest | HolderReply): string {
  return `${JSON.stringify(message)}\n`;
}

/** Splits a byte stream into the messages it carries; a partial line waits for the rest. */
export class MessageReader<T> {
  private pending = '';
  // a character whose bytes two chunks share is decoded whole
  private readonly decoder = new StringDecoder('utf8');

  /** The messages complete so far; throws on a line that is not JSON (not a holder's, not a command's). */
  push(chunk: Buffer | string): T[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
  }
}

const KINDS: Record<WireErrorKind, new (message: string) => Error> = {
  ConnectionLost,
  CommandTimedOut,
  HostUnreachable,
  HostKeyChanged,
  Error,
};

export function errorToWire(error: unknown): { kind: WireErrorKind; message: string } {
  const name = error instanceof Error ? error.name : 'Error';
  const kind = (Object.keys(KINDS) as WireErrorKind[]).find((k) => k === name) ?? 'Error';
  return { kind, message: error instanceof Error ? error.message : String(error) };
}

export function errorFromWire(error: { kind: WireErrorKind; message: string }): Error {
  return new (KINDS[error.kind] ?? Error)(error.message);
}
