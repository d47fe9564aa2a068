// Reading back a JSON file hafarm wrote into a state folder. Its values reach shell commands and
// generated files, so each is checked to the shape hafarm writes; every problem is reported at
// once, as StateDamaged, never as a crash halfway through a command.
import { readFileSync } from 'node:fs';
import { lstatOrUndefined } from '../files/file-in-the-way.ts';
import { StateDamaged } from './state-problems.ts';

/** What is wrong with one field; field "" is the value as a whole, "a.b" a nested one. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** One field's check: undefined when the value is fine, else what is wrong with it or its fields. */
export type FieldCheck = (value: unknown) => string | FieldProblem[] | undefined;

/** What a non-regular file is, for a message. */
export function describeFileType(stats: {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

/** hafarm's JSON state files hold a few fields: anything near this size is not one of them. */
const MAX_STATE_JSON_BYTES = 1 << 20;

/** The file's JSON, or undefined when there is no such file. Anything but a regular file is damage. */
export function readStateJson(file: string, remedy: string): unknown {
  const stats = lstatOrUndefined(file);
  if (!stats) return undefined;
  // A FIFO would hang the read, a link could point anywhere: hafarm writes neither.
  if (!stats.isFile())
    throw new StateDamaged({ file, problem: `${describeFileType(stats)} where hafarm keeps a file`, remedy });
  if (stats.size > MAX_STATE_JSON_BYTES)
    throw new StateDamaged({ file, problem: `${stats.size} bytes, more than any file hafarm writes there`, remedy });
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // Node quotes the start of the text; that could be a secret.
    throw new StateDamaged({
      file,
      problem: `not JSON: ${error.message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')}`,
      remedy,
    });
  }
}

/** The problems of a JSON object against its fields' checks; fields not listed are ignored. */
export function shapeProblems(
  value: unknown,
  checks: Record<string, FieldCheck>,
  optional: readonly string[] = [],
): FieldProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [
      { field: '', problem: `${describeValue(value)} where an object with ${Object.keys(checks).join(', ')} belongs` },
    ];
  }
  const fields = value as Record<string, unknown>;
  return Object.entries(checks).flatMap(([name, check]) => {
    if (!Object.hasOwn(fields, name)) return optional.includes(name) ? [] : [{ field: name, problem: 'missing' }];
    const problem = check(fields[name]);
    if (problem === undefined) return [];
    if (typeof problem === 'string') return [{ field: name, problem }];
    return problem.map((p) => ({ field: p.field ? `${name}.${p.field}` : name, problem: p.problem }));
  });
}

export function formatFieldProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.field ? `${p.field}: ${p.problem}` : p.problem)).join('; ');
}

/** A nested object, its fields checked in turn. */
export function nested(checks: Record<string, FieldCheck>): FieldCheck {
  return (value) => {
    const problems = shapeProblems(value, checks);
    return problems.length === 0 ? undefined : problems;
  };
}

/** Printable text on one line: what hafarm writes for names, paths and dates. */
export const ONE_LINE = /^[^\x00-\x1f\x7f]{1,1000}$/;

/**
 * A string of the given shape. A secret's value is never repeated in the message: even a
 * damaged one may be most of the real one.
 */
export function text(pattern: RegExp, allowed: string, options: { secret?: boolean } = {}): FieldCheck {
  return (value) => {
    if (typeof value === 'string' && pattern.test(value)) return undefined;
    const shown =
      options.secret && typeof value === 'string' ? `a value of ${value.length} characters` : describeValue(value);
    return `${shown} is not allowed (allowed: ${allowed})`;
  };
}

export function wholeNumber(min: number, max: number): FieldCheck {
  return (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `${describeValue(value)} is not allowed (allowed: a whole number from ${min} to ${max})`;
}

export function oneOf(choices: readonly string[]): FieldCheck {
  return (value) =>
    typeof value === 'string' && choices.includes(value)
      ? undefined
      : `${describeValue(value)} is not allowed (allowed: ${choices.join(', ')})`;
}

/** The value as T once every field passed its check; StateDamaged listing every problem otherwise. */
export function requireShape<T>(
  file: string,
  value: unknown,
  checks: Record<string, FieldCheck>,
  remedy: string,
  optional: readonly string[] = [],
): T {
  const problems = shapeProblems(value, checks, optional);
  if (problems.length > 0) throw new StateDamaged({ file, problem: formatFieldProblems(problems), remedy });
  return value as T;
}
