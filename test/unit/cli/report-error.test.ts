// How an error that ends a command reaches the user (lib/cli/report-error.ts): the message alone
// for the errors the user can act on, the stack for a bug.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../lib/cli/command.ts';
import { reportError } from '../../../lib/cli/report-error.ts';
import { UserFacingError } from '../../../lib/user-facing-error.ts';
import { FileProblem, fileSystemProblem } from '../../../lib/files/file-problem.ts';

function printed(error: unknown): { status: number; text: string } {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  try {
    return { status: reportError(error), text: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('reporting an error', () => {
  it('prints a user-facing error as its message alone, whatever its class is named', () => {
    class SomethingNew extends UserFacingError {
      override name = 'SomethingNew';
    }
    expect(printed(new SomethingNew('the host lacks tcpdump'))).toEqual({
      status: 1,
      text: 'hafarm: the host lacks tcpdump',
    });
    expect(printed(new UsageError('--forks: a whole number'))).toEqual({
      status: 2,
      text: 'hafarm: --forks: a whole number',
    });
  });

  it('prints what the user typed, quoted in a message, with its control characters as escapes: none reaches the terminal', () => {
    const typed = 'web1\u001b]0;owned\u0007\u001b[2J';
    const { text } = printed(new UsageError(`no host named "${typed}" in lab.yaml\n(hosts: web1, web2)`));
    expect(text).toBe('hafarm: no host named "web1\\u{1b}]0;owned\\u{7}\\u{1b}[2J" in lab.yaml\n(hosts: web1, web2)');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('says anything else, a bug to report, in one line with its cause and no stack', () => {
    const bug = new TypeError('x is undefined\nsecond line');
    const { status, text } = printed(bug);
    expect(status).toBe(1);
    expect(text).toBe(
      'hafarm: unexpected error (please report it, with the output of the same command run with HAFARM_DEBUG=1): TypeError: x is undefined',
    );
    expect(printed('a thrown string').text).toMatch(/: a thrown string$/);
  });

  it('keeps the stack of a bug when HAFARM_DEBUG is set', () => {
    vi.stubEnv('HAFARM_DEBUG', '1');
    const bug = new TypeError('x is undefined');
    const { text } = printed(bug);
    expect(text).toContain('hafarm: unexpected error (please report it):');
    expect(text).toContain(bug.stack!);
    vi.unstubAllEnvs();
  });

  it('says a file system error in one line naming the file, also one whose error names none (a size limit)', () => {
    const efbig = Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG', syscall: 'write' });
    expect(printed(new FileProblem(fileSystemProblem(efbig, '/x/Vagrantfile')!)).text).toBe(
      'hafarm: cannot write /x/Vagrantfile: the file would pass the size limit set for this process (ulimit -f) or its file system (EFBIG); raise the limit (ulimit -f unlimited), or pass another --state (or --out) folder.',
    );
    const erofs = Object.assign(new Error('EROFS'), { code: 'EROFS', syscall: 'mkdir', path: '/ro/.lab' });
    expect(printed(erofs).text).toMatch(
      /^hafarm: cannot create folder \/ro\/\.lab: the file system is read-only \(EROFS\)/,
    );
  });

  it('does not take an error named like a user-facing one for one', () => {
    const impostor = Object.assign(new Error('boom'), { name: 'UsageError' });
    expect(printed(impostor).text).toContain('unexpected error');
  });
});
