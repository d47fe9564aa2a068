// Read-only commands a host's tasks run to learn how things are (a service's status, a kernel
// parameter, `nginx -T`), known before they run (Task.reads): the runner runs them all in one
// command, as it reads the files (remote-file.ts), so a run that changes nothing makes no round
// trip per task. A read that failed is run again on its own when a task asks for it, so that its
// error reaches the task whole, stderr and all.
import { randomBytes } from 'node:crypto';
import type { ExecResult, Remote } from '../remote.ts';

interface Read {
  code: number;
  stdout: Buffer;
}

/** Each command in a subshell of its own, its stdout between two marks, its exit status after. */
export function readsCommand(commands: string[], boundary: string): string {
  return commands
    .map(
      (cmd, i) =>
        `printf '%s\\n' '${boundary}${i}'; ( ${cmd}\n) </dev/null 2>/dev/null; printf '\\n${boundary}${i}.%d\\n' "$?"`,
    )
    .join('; ');
}

export function parseReads(commands: string[], boundary: string, output: Buffer): Map<string, Read> {
  const reads = new Map<string, Read>();
  let at = 0;
  commands.forEach((cmd, i) => {
    const start = Buffer.from(`${boundary}${i}\n`);
    const end = Buffer.from(`\n${boundary}${i}.`);
    const from = output.indexOf(start, at);
    const to = from === -1 ? -1 : output.indexOf(end, from + start.length);
    if (to === -1) throw new Error('unreadable answer while reading the state');
    const newline = output.indexOf('\n', to + end.length);
    reads.set(cmd, {
      stdout: Buffer.from(output.subarray(from + start.length, to)),
      code: Number(output.subarray(to + end.length, newline).toString()),
    });
    at = newline;
  });
  return reads;
}

export class RemoteReads {
  private readonly cache = new Map<string, Read>();

  constructor(private readonly remote: Remote) {}

  async prefetch(commands: string[]): Promise<void> {
    const wanted = [...new Set(commands)].filter((c) => !this.cache.has(c));
    if (wanted.length === 0) return;
    const boundary = `@@hafarm-read-${randomBytes(8).toString('hex')}-`;
    const result = await this.remote.exec(readsCommand(wanted, boundary));
    for (const [cmd, read] of parseReads(wanted, boundary, result.stdoutBytes)) this.cache.set(cmd, read);
  }

  /** The command's result: as read before the task ran when it succeeded then, else run now. */
  async run(command: string): Promise<ExecResult> {
    const read = this.cache.get(command);
    if (read?.code === 0) return { code: 0, stdout: read.stdout.toString(), stderr: '', stdoutBytes: read.stdout };
    this.cache.delete(command);
    return this.remote.exec(command);
  }

  /** After a change the next read asks the machine again. */
  forgetAll(): void {
    this.cache.clear();
  }
}
