// Issue 27, class 8: should the YAML parser still run out of stack (or hit another of its limits)
// on a text the bounds let through, the user reads one line that names the file, never a stack
// trace nor the parser's words alone. The parser is made to fail both ways it can: it throws a
// RangeError, or it reports its own stack running out as a syntax error.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { issuesOf } from '../../helpers/definition-issues.ts';
import { formatDefinitionIssues } from '../../../lib/lab/definition-error.ts';

const failure = vi.hoisted(() => ({ mode: 'none' as 'none' | 'throw' | 'throw-other' | 'report' }));

vi.mock('yaml', async (original) => {
  const yaml = await original<typeof import('yaml')>();
  return {
    ...yaml,
    parseDocument: (...args: Parameters<typeof yaml.parseDocument>) => {
      if (failure.mode === 'throw') throw new RangeError('Maximum call stack size exceeded');
      if (failure.mode === 'throw-other') throw new RangeError('Invalid string length');
      const doc = yaml.parseDocument(...args);
      if (failure.mode === 'report')
        doc.errors.push(
          new yaml.YAMLParseError([30, 31], 'UNEXPECTED_TOKEN', 'Maximum call stack size exceeded\nat line 2'),
          new yaml.YAMLParseError([40, 41], 'UNEXPECTED_TOKEN', 'Maximum call stack size exceeded'),
        );
      return doc;
    },
  };
});

const TUTORIAL = readFileSync(new URL('../../../lab.yaml', import.meta.url), 'utf8');

afterEach(() => {
  failure.mode = 'none';
});

describe('a parser that runs out of stack', () => {
  it.each([
    ['throws a RangeError', 'throw', 'is nested too deeply for the YAML parser (Maximum call stack size exceeded)'],
    ['throws another RangeError', 'throw-other', 'is beyond what the YAML parser can read (Invalid string length)'],
    [
      'reports it as syntax errors',
      'report',
      'is nested too deeply for the YAML parser (Maximum call stack size exceeded)',
    ],
  ] as const)('%s: one line naming the file and what is allowed', (_name, mode, problem) => {
    failure.mode = mode;
    const issues = issuesOf(TUTORIAL);
    expect(issues).toEqual([
      {
        file: '/labs/bad.yaml',
        line: expect.any(Number),
        column: expect.any(Number),
        field: '(file)',
        problem,
        allowed:
          'a lab definition nested at most 32 levels by indentation and 32 by "[" or "{" (the tutorial\'s is 4 deep)',
      },
    ]);
    expect(formatDefinitionIssues(issues).split('\n')).toEqual([
      '/labs/bad.yaml: the lab definition has 1 problem; nothing was created.',
      expect.stringMatching(/^ {2}\/labs\/bad\.yaml:\d+:\d+: \(file\): is /),
    ]);
  });

  it('control: the same text loads when the parser does not fail', () => {
    expect(() => issuesOf(TUTORIAL)).toThrow('the definition was accepted');
  });
});
