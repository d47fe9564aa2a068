// Typed reads of YAML nodes that remember where each value came from, so that every refusal
// names file, line, column and field. Readers return undefined after recording an issue.
import { isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap, type Pair } from 'yaml';
import type { DefinitionIssue } from './definition-error.ts';
import { decimalPlaces } from './decimal.ts';
import { quoted } from '../printable.ts';

export type FieldPath = ReadonlyArray<string | number>;

export function formatPath(path: FieldPath): string {
  return (
    path.reduce<string>(
      (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
      '',
    ) || '(top level)'
  );
}

export class FieldReader {
  readonly issues: DefinitionIssue[] = [];
  /** where each value read successfully came from, for checks that span several fields */
  private readonly located = new Map<string, Node>();
  /** where each field's key is written: a list or mapping as a whole is placed at its key */
  private readonly keys = new Map<string, Node>();

  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  report(path: FieldPath, node: Node | Pair | null | undefined, problem: string, allowed?: string): undefined {
    const offset = offsetOf(node);
    const { line, col } = this.lines.linePos(offset);
    this.issues.push({
      file: this.file,
      line,
      column: col,
      field: formatPath(path),
      problem,
      ...(allowed ? { allowed } : {}),
    });
    return undefined;
  }

  /** Reports an issue on a field that was read earlier, at that field's position. */
  reportField(path: FieldPath, problem: string, allowed?: string): undefined {
    const value = this.located.get(formatPath(path));
    const at = value && isScalar(value) ? value : (this.keys.get(formatPath(path)) ?? value);
    return this.report(path, at, problem, allowed);
  }

  private ok<T>(path: FieldPath, node: Node, value: T): T {
    this.located.set(formatPath(path), node);
    return value;
  }

  /** A mapping with exactly the known keys: unknown keys and missing required keys are issues. */
  map(
    path: FieldPath,
    node: unknown,
    required: readonly string[],
    optional: readonly string[] = [],
  ): YAMLMap | undefined {
    if (!isMap(node))
      return this.report(path, node as Node, 'must be a mapping of fields', [...required, ...optional].join(', '));
    const known = new Set([...required, ...optional]);
    const seen = new Set<string>();
    for (const pair of node.items) {
      // A key that is itself a mapping or list is never a field (and stringifying it could be huge).
      if (!isScalar(pair.key)) {
        this.report([...path, '(key)'], pair.key as Node, 'a key must be a plain word', [...known].join(', '));
        continue;
      }
      const key = String(pair.key.value);
      this.keys.set(formatPath([...path, key]), pair.key);
      if (seen.has(key)) this.report([...path, key], pair.key as Node, 'duplicate key', 'each key once per mapping');
      else if (!known.has(key)) this.report([...path, key], pair.key as Node, 'unknown field', [...known].join(', '));
      seen.add(key);
    }
    for (const key of required) {
      if (!seen.has(key)) this.report([...path, key], node, 'missing field (required)');
    }
    return this.ok(path, node, node);
  }

  child(map: YAMLMap, key: string): Node | undefined {
    return map.get(key, true) as Node | undefined;
  }

  string(path: FieldPath, node: unknown, pattern?: RegExp, allowed?: string): string | undefined {
    if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') {
      return this.report(path, node as Node, 'must be a non-empty string', allowed);
    }
    if (pattern && !pattern.test(node.value))
      return this.report(path, node, `${quoted(node.value)} is not valid`, allowed);
    return this.ok(path, node, node.value);
  }

  int(path: FieldPath, node: unknown, min: number, max: number): number | undefined {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
      return this.report(path, node as Node, 'must be a whole number', `${min} to ${max}`);
    }
    if (node.value < min || node.value > max)
      return this.report(path, node, `${node.value} is out of range`, `${min} to ${max}`);
    return this.ok(path, node, node.value);
  }

  /**
   * A number within bounds with at most `places` decimal places. Every fractional number of the
   * definition is read here, so that each is written into a daemon's file as the decimal it is
   * (decimal.ts): 0.30000000000000004 (what 0.1 + 0.2 gives) is refused, not passed to keepalived.
   */
  number(path: FieldPath, node: unknown, min: number, max: number, places: number): number | undefined {
    const allowed = `${min} to ${max}, at most ${places} decimal place${places === 1 ? '' : 's'}`;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) {
      return this.report(path, node as Node, 'must be a number', allowed);
    }
    if (node.value < min || node.value > max) return this.report(path, node, `${node.value} is out of range`, allowed);
    const written = decimalPlaces(node.value);
    if (written > places)
      return this.report(
        path,
        node,
        `${node.value} has ${written} decimal places, more than the ${places} it is written with`,
        allowed,
      );
    return this.ok(path, node, node.value);
  }

  bool(path: FieldPath, node: unknown): boolean | undefined {
    if (!isScalar(node) || typeof node.value !== 'boolean')
      return this.report(path, node as Node, 'must be true or false', 'true, false');
    return this.ok(path, node, node.value);
  }

  oneOf<T extends string>(path: FieldPath, node: unknown, choices: readonly T[]): T | undefined {
    const allowed = choices.join(', ');
    if (!isScalar(node) || typeof node.value !== 'string')
      return this.report(path, node as Node, 'must be one of the listed words', allowed);
    if (!(choices as readonly string[]).includes(node.value))
      return this.report(path, node, `${quoted(node.value)} is not known`, allowed);
    return this.ok(path, node, node.value as T);
  }

  list(path: FieldPath, node: unknown, what: string): Node[] | undefined {
    if (!isSeq(node) || node.items.length === 0)
      return this.report(path, node as Node, `must be a non-empty list of ${what}`);
    return node.items as Node[];
  }

  oneOfList<T extends string>(path: FieldPath, node: unknown, choices: readonly T[]): T[] | undefined {
    if (!isSeq(node)) return this.report(path, node as Node, 'must be a list', choices.join(', '));
    const values = node.items.map((item, i) => this.oneOf([...path, i], item, choices));
    return values.every((v) => v !== undefined) ? (values as T[]) : undefined;
  }
}

function offsetOf(node: Node | Pair | null | undefined): number {
  if (!node) return 0;
  if ('range' in node && node.range) return node.range[0];
  if ('key' in node) return offsetOf(node.key as Node);
  return 0;
}
