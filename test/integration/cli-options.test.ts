// Command-line options checked against what exists, before the lab's state (issue 18, item 7):
// on a lab that is not up, a bad option is the message (exit 2), not "not up"; nothing is created.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('options');
afterAll(() => scratch.remove());
const tutorialText = readFileSync(TUTORIAL_LAB, 'utf8');

function labDir(name: string): string {
  const dir = join(scratch.dir, name.replace(/\W+/g, '-'));
  mkdirSync(dir);
  writeFileSync(join(dir, 'lab.yaml'), tutorialText);
  return dir;
}

const REFUSED: Array<[string, string[], string]> = [
  [
    '--limit ,,, (meant every host)',
    ['provision', '--limit', ',,,'],
    '--limit: ",,," has an empty entry (allowed: host names of the lab: haproxy1, haproxy2, web1, web2, web3)',
  ],
  ['--limit with an empty entry', ['provision', '--limit', 'web1,'], '--limit: "web1," has an empty entry'],
  ['--limit of an unknown host', ['provision', '--limit', 'web9'], '--limit: no host named web9'],
  [
    '--tags that no task has',
    ['provision', '--tags', 'T8,t9,nginx'],
    '--tags: no task has the tag t9 (tags: network, T3, hosts, T2, remove-keepalived, T4, heartbeat, T5, T6, T7, T11, haproxy, T8, T9, tools, nginx, T10)',
  ],
  ['--tags empty', ['provision', '--tags', ''], '--tags: "" has an empty entry'],
  [
    '--forks 0x10 (was 16)',
    ['provision', '--forks', '0x10'],
    '--forks: "0x10" is not allowed (a whole number from 1 to 64, in decimal digits)',
  ],
  ['--forks 1e1', ['provision', '--forks', '1e1'], '--forks: "1e1" is not allowed'],
  ['--forks 0', ['provision', '--forks', '0'], '--forks: "0" is not allowed'],
  ['--only ,', ['verify', '--only', ','], '--only: "," has an empty entry'],
  ['--from a balancer', ['verify', '--from', 'haproxy1'], '--from: haproxy1 is a balancer'],
  [
    '--only a check that does not exist',
    ['verify', '--only', 'V10'],
    '--only: no check V10 (checks: V1, V2, V3, V4, V5, V6, V8, V9)',
  ],
  [
    '--faults with --only',
    ['verify', '--faults', '--only', 'V1'],
    '--faults and --only: give one of them (--only V8,V9 runs the link checks alone)',
  ],
  [
    '--duration 0x10',
    ['capture', 'web1', 'eth1', '--duration', '0x10'],
    '--duration: "0x10" is not allowed (seconds from 1 to 86400, in decimal digits)',
  ],
  [
    '--format of no inventory format',
    ['inventory', '--format', 'json'],
    '--format: "json" is not an inventory format (allowed: yaml, ini)',
  ],
  ['--out in a folder that does not exist', ['ssh-config', '--out', 'no/such/config'], '--out no/such/config: /'],
  [
    '--out a folder',
    ['inventory', '--out', '.'],
    '--out .: that is a folder (allowed: a file in an existing folder, written with mode 600)',
  ],
  ['halt of an unknown host', ['halt', 'web9'], 'no host named "web9"'],
  ['exec without a command', ['exec', 'web1'], 'name a command: npm run lab:exec -- HOST COMMAND...'],
  [
    'an extra argument to up',
    ['up', 'now'],
    'up takes no arguments: unexpected "now" (usage: hafarm up [--provider NAME] [--lab FILE] [--state DIR])',
  ],
  [
    'an extra argument to destroy',
    ['destroy', '--state', '.lab', 'everything'],
    'destroy takes no arguments: unexpected "everything"',
  ],
  ['an extra argument to halt', ['halt', 'web1', 'web2'], 'halt takes HOST: unexpected "web2"'],
  ['an extra argument to capture', ['capture', 'web1', 'eth1', 'eth2'], 'capture takes HOST IFACE: unexpected "eth2"'],
];

describe('a bad option on a lab that is not up', () => {
  it.each(REFUSED)('%s: the option error, exit 2, nothing created', async (name, args, message) => {
    const dir = labDir(name);
    const result = await hafarm(args, { cwd: dir });
    expect(result.stderr.split('\n')[0]).toContain(`hafarm: ${message}`);
    expect(result.stderr).not.toContain('is not up');
    expect(result.exitCode).toBe(2);
    expect(readdirSync(dir)).toEqual(['lab.yaml']);
  });

  it.each([
    ['provision', '--limit', 'web1,web2', '--tags', 'T10,hosts', '--forks', '16'],
    ['verify', '--only', 'V1,v4', '--from', 'web3'],
    ['verify', '--only', 'V8,V9'],
    ['verify', '--faults'],
    ['capture', 'web1', 'eth1', '--duration', '2.5'],
    ['ssh-config', '--out', 'config'],
    ['inventory', '--format', 'ini', '--out', 'hosts.ini'],
  ])('control: good options reach the state check (%s)', async (...args) => {
    const dir = labDir(`good-${args.join('-')}`);
    const result = await hafarm(args, { cwd: dir });
    expect(result.stderr).toMatch(/^hafarm: lab "swap" is not up \(no state in .*\); run lab:up first$/);
    expect(result.exitCode).toBe(1);
    expect(readdirSync(dir)).toEqual(['lab.yaml']);
  });
});
