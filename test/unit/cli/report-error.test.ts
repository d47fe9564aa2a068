// How an error that ends a command reaches the user (lib/cli/report-error.ts): the message alone
// for the errors the user can act on, the stack for a bug.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../lib/cli/command.ts';
import { reportError } from '../../../lib/cli/report-error.ts';
import { UserFacingError } from '../../../lib/user-facing-error.ts';

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

  it('keeps the stack of anything else: a bug to report', () => {
    const bug = new TypeError('x is undefined');
    const { status, text } = printed(bug);
    expect(status).toBe(1);
    expect(text).toContain('hafarm: unexpected error (please report it):');
    expect(text).toContain(bug.stack!);
  });

  it('does not take an error named like a user-facing one for one', () => {
    const impostor = Object.assign(new Error('boom'), { name: 'UsageError' });
    expect(printed(impostor).text).toContain('unexpected error');
  });
});
