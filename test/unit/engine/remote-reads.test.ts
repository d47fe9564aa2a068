// The read-only commands of a host's tasks in one command (lib/engine/modules/remote-reads.ts),
// run by this host's own sh: each command's stdout byte for byte and its exit status, whatever
// the command's shape; a read that failed is run again when a task asks for it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseReads, readsCommand, RemoteReads } from '../../../lib/engine/modules/remote-reads.ts';
import type { ExecResult, Remote } from '../../../lib/engine/remote.ts';

const sh = (line: string) => execFileSync('sh', ['-c', line]);

/** A Remote that runs commands with this host's sh and counts them. */
function localRemote(): Remote & { commands: string[] } {
  const commands: string[] = [];
  return {
    host: 'local',
    commands,
    async exec(command: string): Promise<ExecResult> {
      commands.push(command);
      try {
        const out = sh(command);
        return { code: 0, stdout: out.toString(), stderr: '', stdoutBytes: out };
      } catch (error) {
        const e = error as { status: number; stdout: Buffer; stderr: Buffer };
        return { code: e.status, stdout: e.stdout.toString(), stderr: e.stderr.toString(), stdoutBytes: e.stdout };
      }
    },
    stage: () => Promise.reject(new Error('not used')),
  };
}

describe('reads in one command', () => {
  it("keeps each command's stdout byte for byte and its exit status", () => {
    const commands = [
      "printf 'no newline'",
      'echo two; echo lines',
      "printf 'a\\000b\\n'",
      'echo out; echo err >&2; exit 3',
      'true && echo and || echo or # a comment',
      'cat',
      'printf ""',
    ];
    const boundary = '@@test-';
    const reads = parseReads(commands, boundary, sh(readsCommand(commands, boundary)));
    expect(reads.get("printf 'no newline'")).toEqual({ code: 0, stdout: Buffer.from('no newline') });
    expect(reads.get('echo two; echo lines')?.stdout.toString()).toBe('two\nlines\n');
    expect([...reads.get("printf 'a\\000b\\n'")!.stdout]).toEqual([0x61, 0, 0x62, 0x0a]);
    // stderr is not kept: a failed read is run again on its own when asked
    expect(reads.get('echo out; echo err >&2; exit 3')).toEqual({ code: 3, stdout: Buffer.from('out\n') });
    expect(reads.get('true && echo and || echo or # a comment')?.stdout.toString()).toBe('and\n');
    // no command reads the terminal: stdin is empty
    expect(reads.get('cat')).toEqual({ code: 0, stdout: Buffer.alloc(0) });
    expect(reads.get('printf ""')).toEqual({ code: 0, stdout: Buffer.alloc(0) });
  });

  it('a mark inside an output does not cut it short', () => {
    const commands = ["echo '@@test-0.7'", 'echo after'];
    const reads = parseReads(commands, '@@test-', sh(readsCommand(commands, '@@test-')));
    expect(reads.get(commands[0]!)?.stdout.toString()).toBe('@@test-0.7\n');
    expect(reads.get('echo after')?.stdout.toString()).toBe('after\n');
  });

  it('answers a prefetched read without a command, runs a failed one again for its whole error, and reads again after forgetAll', async () => {
    const remote = localRemote();
    const reads = new RemoteReads(remote);
    await reads.prefetch(['echo ok', 'echo bad >&2; exit 2', 'echo ok']);
    expect(remote.commands).toHaveLength(1);
    expect(await reads.run('echo ok')).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(remote.commands).toHaveLength(1);
    expect(await reads.run('echo bad >&2; exit 2')).toMatchObject({ code: 2, stderr: 'bad\n' });
    expect(remote.commands).toHaveLength(2);
    reads.forgetAll();
    expect(await reads.run('echo ok')).toMatchObject({ code: 0, stdout: 'ok\n' });
    expect(remote.commands).toHaveLength(3);
  });
});
