// A stack's log file checked on the machine before its role acts (roles/ha-stack.ts): the path's
// kinds read by one command, run here with this host's sh in a folder of the test's own, and what
// the task says when a directory or a symbolic link is in the way.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newHostRunState, type TaskContext } from '../../../lib/engine/task.ts';
import { logFileCheck, logPathProblem, pathKindsCommand } from '../../../roles/ha-stack.ts';

const root = mkdtempSync(join(tmpdir(), 'hafarm-log-path-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'log'));
writeFileSync(join(root, 'log', 'ha-log'), 'a line\n');
mkdirSync(join(root, 'log', 'folder'));
symlinkSync(join(root, 'log', 'ha-log'), join(root, 'log', 'link'));
symlinkSync(join(root, 'log'), join(root, 'linked-log'));
symlinkSync(join(root, 'nowhere'), join(root, 'log', 'dangling'));
writeFileSync(join(root, 'plain'), '');

/** What the check says of a path on this host. */
function problemOf(path: string): string | undefined {
  return logPathProblem(path, execFileSync('sh', ['-c', pathKindsCommand(path)], { encoding: 'utf8' }));
}

describe("a stack's log file on the machine", () => {
  it('may be a regular file, or no file yet', () => {
    expect(problemOf(join(root, 'log', 'ha-log'))).toBeUndefined();
    expect(problemOf(join(root, 'log', 'new-log'))).toBeUndefined();
  });

  it('may not be a directory, a symbolic link (dangling too) or under one, or under a file', () => {
    const at = (...parts: string[]) => join(root, ...parts);
    expect(problemOf(at('log', 'folder'))).toBe(`${at('log', 'folder')} is a directory`);
    expect(problemOf(at('log', 'link'))).toBe(`${at('log', 'link')} is a symbolic link`);
    expect(problemOf(at('log', 'dangling'))).toBe(`${at('log', 'dangling')} is a symbolic link`);
    expect(problemOf(at('linked-log', 'ha-log'))).toBe(
      `${at('linked-log', 'ha-log')} is under a symbolic link, ${at('linked-log')}`,
    );
    expect(problemOf(at('plain', 'ha-log'))).toBe(
      `${at('plain', 'ha-log')} is under ${at('plain')}, which is not a directory`,
    );
    expect(problemOf(at('missing', 'ha-log'))).toBe(
      `${at('missing', 'ha-log')} is in a directory that does not exist, ${at('missing')}`,
    );
    expect(problemOf('/dev/null')).toBe('/dev/null is not a regular file (a device, socket or pipe)');
  });

  it('fails its task naming the definition field and what it allows', async () => {
    const path = join(root, 'log', 'folder');
    const task = logFileCheck({ name: 'T5 log', field: 'heartbeat.logfile', path, daemon: 'Heartbeat', tags: ['T5'] });
    const read = task.reads!({} as never)[0]!;
    const stdout = execFileSync('sh', ['-c', read], { encoding: 'utf8' });
    const ctx = {
      remote: { host: 'haproxy1' },
      reads: { run: () => Promise.resolve({ code: 0, stdout, stderr: '', stdoutBytes: Buffer.from(stdout) }) },
      run: newHostRunState(),
    } as unknown as TaskContext;
    expect(await task.run(ctx)).toEqual({
      status: 'failed',
      message: `heartbeat.logfile: ${path} is a directory on haproxy1: Heartbeat would not keep its log there (allowed: the path of a regular file, or of no file yet, in existing directories, with no symbolic link on its way; remove what is in the way or set another heartbeat.logfile)`,
    });
    const fine = logFileCheck({
      ...{ name: 'T5 log', field: 'f', daemon: 'd', tags: [] },
      path: join(root, 'log', 'ha-log'),
    });
    const fineOut = execFileSync('sh', ['-c', fine.reads!({} as never)[0]!], { encoding: 'utf8' });
    expect(
      await fine.run({
        ...ctx,
        reads: {
          run: () => Promise.resolve({ code: 0, stdout: fineOut, stderr: '', stdoutBytes: Buffer.from(fineOut) }),
        },
      } as unknown as TaskContext),
    ).toEqual({ status: 'ok' });
  });
});
