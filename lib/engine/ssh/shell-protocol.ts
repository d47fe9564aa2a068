// The framing of the persistent remote shell: one root `sh` per connection reads commands on its
// stdin and answers each with its stdout, stderr and exit code between boundary lines. Starting
// an SSH session (and sudo) per command costs 50-150 ms on a Debian host; a command in the
// persistent shell costs a few forks.
import { quote } from './shell-quote.ts';

export interface Frame {
  id: number;
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Defines h_run in the remote shell, then says it is ready. */
export function shellPreamble(boundary: string): string {
  return [
    'export LC_ALL=C DEBIAN_FRONTEND=noninteractive',
    'umask 022',
    'cd /',
    'T=$(mktemp -d /tmp/.hafarm-sh-XXXXXX) || exit 97',
    `trap 'rm -rf "$T"' EXIT`,
    `B=${quote(boundary)}`,
    // stdout goes straight to the channel; stderr through a file, read only when not empty.
    'h_run() {',
    `  printf '%s %s out\\n' "$B" "$1"`,
    '  timeout -k 2 "$2" sh -c "$3" </dev/null 2>"$T/e"; rc=$?',
    `  printf '\\n%s %s err\\n' "$B" "$1"`,
    '  if [ -s "$T/e" ]; then cat "$T/e"; : >"$T/e"; fi',
    `  printf '\\n%s %s end %s\\n' "$B" "$1" "$rc"`,
    '}',
    `printf '%s ready\\n' "$B"`,
    '',
  ].join('\n');
}

export function runLine(id: number, timeoutSeconds: number, command: string): string {
  return `h_run ${id} ${timeoutSeconds} ${quote(command)}\n`;
}

/**
 * More than any of hafarm's commands answers (file reads, states, logs): a machine that sends
 * more is not trusted with this host's memory.
 */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export class FrameTooLarge extends Error {
  override name = 'FrameTooLarge';
}

/** Collects the shell's stdout and cuts it into frames as they complete. */
export class FrameParser {
  private buffer = Buffer.alloc(0);
  ready = false;

  constructor(
    private readonly boundary: string,
    private readonly maxBytes = MAX_FRAME_BYTES,
  ) {}

  /** The frames completed by this chunk; FrameTooLarge when what is waiting grows past maxBytes. */
  push(chunk: Buffer): Frame[] {
    if (this.buffer.length + chunk.length > this.maxBytes)
      throw new FrameTooLarge(`answered more than ${this.maxBytes / 2 ** 20} MiB to one command`);
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    if (!this.ready) {
      const marker = Buffer.from(`${this.boundary} ready\n`);
      const at = this.buffer.indexOf(marker);
      if (at === -1) return frames;
      this.ready = true;
      this.buffer = this.buffer.subarray(at + marker.length);
    }
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private next(): Frame | undefined {
    // Anything before a frame's head (output of a daemon that kept the shell's stdout) is skipped.
    const start = this.buffer.indexOf(Buffer.from(`${this.boundary} `));
    if (start === -1) return undefined;
    if (start > 0) this.buffer = this.buffer.subarray(start);
    const head = /^(\S+) (\d+) out\n/.exec(this.buffer.subarray(0, 200).toString('latin1'));
    if (!head || head[1] !== this.boundary) return undefined;
    const id = Number(head[2]);
    const errMarker = Buffer.from(`\n${this.boundary} ${id} err\n`);
    const endPrefix = Buffer.from(`\n${this.boundary} ${id} end `);
    const errAt = this.buffer.indexOf(errMarker, head[0].length);
    if (errAt === -1) return undefined;
    const endAt = this.buffer.indexOf(endPrefix, errAt + errMarker.length);
    if (endAt === -1) return undefined;
    const lineEnd = this.buffer.indexOf(0x0a, endAt + endPrefix.length);
    if (lineEnd === -1) return undefined;
    const frame: Frame = {
      id,
      code: Number(this.buffer.subarray(endAt + endPrefix.length, lineEnd).toString()),
      stdout: Buffer.from(this.buffer.subarray(head[0].length, errAt)),
      stderr: Buffer.from(this.buffer.subarray(errAt + errMarker.length, endAt)),
    };
    this.buffer = this.buffer.subarray(lineEnd + 1);
    return frame;
  }
}
