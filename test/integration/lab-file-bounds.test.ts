// Special and unbounded definition files through the real CLI (issue 18, item 5; issue 27,
// class 8): each is refused at once with one clear message, nothing is created, Node neither
// hangs nor aborts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('lab-file');
afterAll(() => scratch.remove());
const tutorial = readFileSync(TUTORIAL_LAB, 'utf8');

/** A folder holding only what the case needs; the CLI runs in it. */
function caseDir(name: string, prepare: (dir: string) => void = () => {}): string {
  const dir = join(scratch.dir, name);
  mkdirSync(dir);
  prepare(dir);
  return dir;
}

const CASES = [
  {
    name: '/dev/zero (Node aborted after a minute before)',
    lab: '/dev/zero',
    message:
      '/dev/zero:1:1: (file): is a character device, not a file (allowed: a regular file of at most 1 MiB; pass --lab FILE)',
  },
  {
    name: 'a FIFO (hung forever before)',
    lab: 'lab.fifo',
    prepare: (dir: string) => execFileSync('mkfifo', [join(dir, 'lab.fifo')]),
    message: 'lab.fifo:1:1: (file): is a FIFO (named pipe), not a file',
  },
  {
    name: 'a folder',
    lab: 'labs',
    prepare: (dir: string) => mkdirSync(join(dir, 'labs')),
    message: 'labs:1:1: (file): is a directory, not a file',
  },
  {
    name: 'a 2 MiB file',
    lab: 'big.yaml',
    prepare: (dir: string) => writeFileSync(join(dir, 'big.yaml'), `${tutorial}${'#'.repeat(2 * 1024 * 1024)}\n`),
    message: /big\.yaml:1:1: \(file\): is \d+ bytes, too large for a lab definition/,
  },
  {
    name: '40,000 keys (27 s before)',
    lab: 'keys.yaml',
    prepare: (dir: string) =>
      writeFileSync(
        join(dir, 'keys.yaml'),
        `${tutorial}${Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}\n`).join('')}`,
      ),
    message: /keys\.yaml:\d+:\d+: \(file\): has more than 20000 words/,
  },
  // issue 27, class 8: the parser's limits
  {
    name: 'CR-only line endings (a message that named neither file nor line before)',
    lab: 'mac.yaml',
    prepare: (dir: string) => writeFileSync(join(dir, 'mac.yaml'), tutorial.replace(/\n/g, '\r')),
    message: `mac.yaml:1:${tutorial.indexOf('\n') + 1}: (file): line 1 ends with a carriage return (CR) that no line feed (LF) follows: CR-only line endings (classic Mac OS), which would make every position in a message wrong (allowed: lines ending in LF (Linux, macOS) or CRLF (Windows))`,
  },
  {
    name: 'a mapping nested 1,000 deep by indentation ("Maximum call stack size exceeded" before)',
    lab: 'deep.yaml',
    prepare: (dir: string) =>
      writeFileSync(
        join(dir, 'deep.yaml'),
        `${tutorial}x:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`,
      ),
    message:
      /deep\.yaml:\d+:33: \(file\): nests blocks more than 32 levels deep by indentation \(allowed: at most 32 levels/,
  },
  {
    name: '"- " 5,000 times on one line',
    lab: 'dashes.yaml',
    prepare: (dir: string) => writeFileSync(join(dir, 'dashes.yaml'), `${tutorial}x:\n${'- '.repeat(5000)}1\n`),
    message: /dashes\.yaml:\d+:\d+: \(file\): nests blocks more than 32 levels deep by indentation/,
  },
  {
    name: 'Latin-1 bytes',
    lab: 'latin1.yaml',
    prepare: (dir: string) =>
      writeFileSync(join(dir, 'latin1.yaml'), Buffer.from(tutorial.replace('name: swap', 'name: swáp'), 'latin1')),
    message: /latin1\.yaml:\d+:9: \(file\): byte \d+ \(0xe1\) is not UTF-8 \(allowed: a text file in UTF-8\)/,
  },
];

describe.each([
  ['render --out out', ['render', '--out', 'out']],
  ['up --provider virtualbox', ['up', '--provider', 'virtualbox']],
])('%s', (commandName, args) => {
  it.each(CASES)('$name: refused at once, nothing created', async ({ name, lab, prepare, message }) => {
    const dir = caseDir(`${commandName}-${name}`.replace(/\W+/g, '-'), prepare);
    const before = readdirSync(dir);
    const started = Date.now();
    const result = await hafarm([...args, '--lab', lab], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^hafarm: .*: the lab definition has 1 problem; nothing was created\.\n/);
    if (typeof message === 'string') expect(result.stderr).toContain(message);
    else expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);
    expect(readdirSync(dir)).toEqual(before);
  });
});
