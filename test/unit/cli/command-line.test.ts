// Arguments split into hafarm's own and the machine's (lib/cli/command-line.ts): after HOST,
// everything is the machine's command line, --help and -- included (issue 27, class 7).
import { describe, expect, it } from 'vitest';
import { splitArguments } from '../../../lib/cli/command-line.ts';
import { COMMANDS } from '../../../lib/cli/command-list.ts';

const exec = COMMANDS.find((c) => c.name === 'exec')!;
const status = COMMANDS.find((c) => c.name === 'status')!;

describe("lab:exec's arguments", () => {
  it.each([
    [['web1', 'ls', '--help'], ['web1'], ['ls', '--help']],
    [['web1', '--', 'grep', '-c', 'x', '/etc/hosts'], ['web1'], ['grep', '-c', 'x', '/etc/hosts']],
    [['web1', '--', '--help'], ['web1'], ['--help']],
    [['web1', 'sh', '-c', 'echo -h'], ['web1'], ['sh', '-c', 'echo -h']],
    [
      ['--lab', 'x.yaml', 'web1', 'cat', '--', '-h'],
      ['--lab', 'x.yaml', 'web1'],
      ['cat', '--', '-h'],
    ],
    [
      ['--state=s', 'web1', 'uname', '-a'],
      ['--state=s', 'web1'],
      ['uname', '-a'],
    ],
    [
      ['--', 'web1', 'ls', '-h'],
      ['--', 'web1'],
      ['ls', '-h'],
    ],
  ])('%j: hafarm takes %j, the machine %j', (args, own, raw) => {
    expect(splitArguments(exec, args)).toEqual({ own, raw, help: false });
  });

  it("takes --help for hafarm's only before HOST", () => {
    expect(splitArguments(exec, ['--help']).help).toBe(true);
    expect(splitArguments(exec, ['-h', 'web1', 'ls']).help).toBe(true);
    expect(splitArguments(exec, ['web1', '-h']).help).toBe(false);
  });
});

describe('any other command', () => {
  it('keeps every argument its own, and --help before -- is its help', () => {
    expect(splitArguments(status, ['--lab', 'x', '--help'])).toEqual({
      own: ['--lab', 'x', '--help'],
      raw: [],
      help: true,
    });
    expect(splitArguments(status, ['--', '--help']).help).toBe(false);
  });
});
