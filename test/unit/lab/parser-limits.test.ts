// Issue 27, class 8: the YAML parser's limits. Deep nesting, by indentation as by "[" or "{", is
// bounded in the text before the parser sees it (it gave "Maximum call stack size exceeded"), and
// a file whose lines end in a CR alone is refused naming the file, the line and what is allowed
// (its problem named neither). Each shape is tried several ways; what the bounds let through on
// purpose is tried too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../../helpers/definition-issues.ts';
import { parseLab } from '../../../lib/farm/load-lab.ts';
import { formatDefinitionIssues } from '../../../lib/lab/definition-error.ts';
import { MAX_BLOCK_DEPTH } from '../../../lib/lab/text-bounds.ts';

const TUTORIAL = readFileSync(new URL('../../../lab.yaml', import.meta.url), 'utf8');
const TUTORIAL_LINES = TUTORIAL.split('\n').length;
const rows = (n: number, row: (i: number) => string) => Array.from({ length: n }, (_, i) => row(i)).join('\n');

/** The definition's one refusal, made quickly and in one line of the message. */
function refusedAtOnce(text: string) {
  const started = performance.now();
  const issues = issuesOf(text);
  const ms = performance.now() - started;
  expect(issues, JSON.stringify(issues)).toHaveLength(1);
  expect(ms).toBeLessThan(2000);
  const message = formatDefinitionIssues(issues);
  expect(message.split('\n')).toHaveLength(2);
  expect(message).not.toMatch(/Maximum call stack/);
  return issues[0]!;
}

describe('nesting is bounded before the parser runs', () => {
  it.each([
    {
      name: 'a mapping nested 5,000 deep by indentation',
      text: `${TUTORIAL}x:\n${rows(5000, (i) => `${' '.repeat(i + 1)}k${i}:`)} 1\n`,
      problem: /^nests blocks more than 32 levels deep by indentation$/,
      line: TUTORIAL_LINES + 32,
    },
    {
      name: 'lists nested 5,000 deep by indentation',
      text: `${TUTORIAL}x:\n${rows(5000, (i) => `${' '.repeat(i)}-`)} 1\n`,
      problem: /^nests blocks more than 32 levels deep by indentation$/,
      line: TUTORIAL_LINES + 1 + 32,
    },
    {
      name: '"- " 5,000 times on one line',
      text: `${TUTORIAL}x:\n${'- '.repeat(5000)}1\n`,
      problem: /^nests blocks more than 32 levels deep by indentation$/,
      line: TUTORIAL_LINES + 1,
    },
    {
      name: '"? " 5,000 times on one line',
      text: `${TUTORIAL}${'? '.repeat(5000)}x\n`,
      problem: /^nests blocks more than 32 levels deep by indentation$/,
      line: TUTORIAL_LINES,
    },
    {
      name: '"[" 5,000 deep',
      text: `${TUTORIAL}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      problem: /^nests "\[" or "\{" more than 32 deep$/,
      line: TUTORIAL_LINES,
    },
    {
      name: '"{a: " 5,000 deep',
      text: `${TUTORIAL}x: ${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`,
      problem: /^nests "\[" or "\{" more than 32 deep$/,
      line: TUTORIAL_LINES,
    },
    {
      name: '"[" 5,000 deep, one per line',
      text: `${TUTORIAL}x:\n${rows(5000, () => '  [')}\n`,
      problem: /^nests "\[" or "\{" more than 32 deep$/,
      line: TUTORIAL_LINES + 1 + 32,
    },
    {
      name: '20 levels of indentation holding 20 of "["',
      text: `${TUTORIAL}x:\n${rows(20, (i) => `${' '.repeat(i + 1)}k${i}:`)} ${'['.repeat(40)}\n`,
      problem: /^nests "\[" or "\{" more than 32 deep$/,
      line: TUTORIAL_LINES + 20,
    },
  ])('$name: one clear refusal of the file at its line', ({ text, problem, line }) => {
    const issue = refusedAtOnce(text);
    expect(issue).toMatchObject({ file: '/labs/bad.yaml', field: '(file)', line });
    expect(issue.problem).toMatch(problem);
    expect(issue.allowed).toMatch(/^at most 32 levels/);
  });

  it(`lets ${MAX_BLOCK_DEPTH} levels through to the rules on the document (a lab is 4 deep)`, () => {
    const nest = (depth: number) => `${TUTORIAL}x:\n${rows(depth - 1, (i) => `${' '.repeat(i + 1)}k${i}:`)} 1\n`;
    expect(refusedAtOnce(nest(MAX_BLOCK_DEPTH)).problem).toMatch(/^nested more than 8 levels deep$/);
    expect(refusedAtOnce(nest(MAX_BLOCK_DEPTH + 1)).problem).toMatch(/^nests blocks more than 32 levels/);
  });

  it('counts neither comments nor the text of a block scalar as nesting', () => {
    const comments = `${TUTORIAL}${rows(100, (i) => `${' '.repeat(i)}# note ${i}`)}\n`;
    expect(parseLab(comments, '/labs/ok.yaml').name).toBe('swap');
    const scalar = `${TUTORIAL}x: |\n${rows(100, (i) => `${' '.repeat(i + 2)}line ${i}`)}\n`;
    expect(refusedAtOnce(scalar)).toMatchObject({ field: 'x', problem: 'unknown field' });
  });
});

describe('line endings: LF or CRLF', () => {
  const allowed = 'lines ending in LF (Linux, macOS) or CRLF (Windows)';

  it.each([
    {
      name: 'every line ending in CR alone (classic Mac OS)',
      text: TUTORIAL.replace(/\n/g, '\r'),
      line: 1,
      column: TUTORIAL.indexOf('\n') + 1,
    },
    {
      name: 'one CR alone in a file of LFs',
      text: TUTORIAL.replace('gateway: 192.168.1.1\n', 'gateway: 192.168.1.1\r'),
      line: TUTORIAL.split('\n').indexOf('    gateway: 192.168.1.1') + 1,
      column: '    gateway: 192.168.1.1'.length + 1,
    },
    {
      name: 'a CR alone at the end of the file',
      text: `${TUTORIAL}\r`,
      line: TUTORIAL_LINES,
      column: 1,
    },
    {
      name: 'CR CR LF',
      text: TUTORIAL.replace('name: swap\n', 'name: swap\r\r\n'),
      line: TUTORIAL.split('\n').indexOf('name: swap') + 1,
      column: 'name: swap'.length + 1,
    },
    {
      name: 'CR-only lines after CRLF ones',
      text: TUTORIAL.replace(/\n/g, '\r\n').replace('hosts:\r\n', 'hosts:\r'),
      line: TUTORIAL.split('\n').indexOf('hosts:') + 1,
      column: 'hosts:'.length + 1,
    },
  ])('refuses $name, naming the line and what is allowed', ({ text, line, column }) => {
    const issue = refusedAtOnce(text);
    expect(issue).toEqual({
      file: '/labs/bad.yaml',
      line,
      column,
      field: '(file)',
      problem: `line ${line} ends with a carriage return (CR) that no line feed (LF) follows: CR-only line endings (classic Mac OS), which would make every position in a message wrong`,
      allowed,
    });
  });

  it('reads CRLF files, and LF and CRLF mixed, as the LF file', () => {
    const lab = parseLab(TUTORIAL, '/labs/lf.yaml');
    const crlf = parseLab(TUTORIAL.replace(/\n/g, '\r\n'), '/labs/lf.yaml');
    const mixed = parseLab(TUTORIAL.replace(/hosts:\n/, 'hosts:\r\n'), '/labs/lf.yaml');
    expect(crlf).toEqual(lab);
    expect(mixed).toEqual(lab);
  });

  it('places the problems of a CRLF file on their lines', () => {
    const text = TUTORIAL.replace('provider: auto', 'provider: vmware').replace(/\n/g, '\r\n');
    expect(issuesOf(text)).toMatchObject([
      { field: 'provider', line: TUTORIAL.split('\n').indexOf('provider: auto') + 1, column: 11 },
    ]);
  });
});
