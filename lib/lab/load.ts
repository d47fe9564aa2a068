// Loads a lab definition file into the typed model, or throws LabDefinitionError listing every
// problem with its position. Reading a definition never creates anything. The components'
// sections and the providers' fields are handed in (DefinitionParts; lib/farm/load-lab.ts).
import { resolve, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { LabDefinitionError } from './definition-error.ts';
import { readDefinitionFile } from './definition-file.ts';
import { MAX_BLOCK_DEPTH, MAX_FLOW_DEPTH, textBoundProblem } from './text-bounds.ts';
import { bytePosition, invalidUtf8Offset } from './utf8.ts';
import { FieldReader, type FieldPath } from './yaml-fields.ts';
import { yamlShapeProblems } from './yaml-shape.ts';
import { readDefinition } from './read-definition.ts';
import { checkDefinition } from './check-definition.ts';
import type { DefinitionParts } from './definition-parts.ts';
import type { Lab } from './model.ts';

export const DEFAULT_LAB_FILE = 'lab.yaml';

export interface FieldProblem {
  field: FieldPath;
  problem: string;
  allowed?: string;
}

/** A check the caller adds on a definition that passed every rule (e.g. the host's haproxy -c). */
export type LabRule = (lab: Lab) => FieldProblem[];

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export function parseDefinition(
  text: string,
  file: string,
  parts: DefinitionParts,
  rules: readonly LabRule[] = [],
): Lab {
  const shown = displayName(file);
  const bound = textBoundProblem(text);
  if (bound) {
    throw new LabDefinitionError([
      {
        file: shown,
        line: bound.line,
        column: bound.column,
        field: '(file)',
        problem: bound.problem,
        allowed: bound.allowed,
      },
    ]);
  }
  let read: { reader: FieldReader; lab: Lab | undefined };
  try {
    read = readBounded(text, file, shown, parts);
  } catch (error) {
    // The bounds above keep the parser within its stack; should some shape still exhaust it (or
    // any other limit of the parser's), the user reads what happened in one line that names the
    // file, never a stack trace.
    if (error instanceof RangeError) throw parserLimit(shown, error.message);
    throw error;
  }
  const { reader, lab } = read;
  if (lab && reader.issues.length === 0) {
    for (const rule of rules) for (const p of rule(lab)) reader.reportField(p.field, p.problem, p.allowed);
  }
  if (!lab || reader.issues.length > 0) throw new LabDefinitionError(reader.issues);
  return lab;
}

const STACK_EXHAUSTED = /maximum call stack size exceeded/i;

function parserLimit(file: string, message: string, at = { line: 1, column: 1 }): LabDefinitionError {
  const first = message.split('\n')[0]!;
  return new LabDefinitionError([
    {
      file,
      ...at,
      field: '(file)',
      problem: STACK_EXHAUSTED.test(first)
        ? `is nested too deeply for the YAML parser (${first})`
        : `is beyond what the YAML parser can read (${first})`,
      allowed: `a lab definition nested at most ${MAX_BLOCK_DEPTH} levels by indentation and ${MAX_FLOW_DEPTH} by "[" or "{" (the tutorial's is 4 deep)`,
    },
  ]);
}

/** The document read and checked by the rules of the definition; the caller's rules come after. */
function readBounded(
  text: string,
  file: string,
  shown: string,
  parts: DefinitionParts,
): { reader: FieldReader; lab: Lab | undefined } {
  const lines = new LineCounter();
  // uniqueKeys off: the yaml library's duplicate-key check is quadratic (40,000 keys took 20 s);
  // FieldReader.map finds duplicate keys in one pass instead.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    // the parser reports its own stack running out as a syntax error, at wherever it was
    const exhausted = doc.errors.find((e) => STACK_EXHAUSTED.test(e.message));
    if (exhausted) {
      const { line, col } = lines.linePos(exhausted.pos[0]);
      throw parserLimit(shown, exhausted.message, { line, column: col });
    }
    throw new LabDefinitionError(
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return {
          file: shown,
          line,
          column: col,
          field: '(YAML syntax)',
          problem: e.message.split('\n')[0] ?? e.code,
          allowed: 'valid YAML',
        };
      }),
    );
  }
  const reader = new FieldReader(shown, lines);
  for (const p of yamlShapeProblems(doc)) reader.report(p.path, p.node, p.problem, p.allowed);
  if (reader.issues.length > 0) throw new LabDefinitionError(reader.issues);
  const lab = readDefinition(reader, doc, resolve(file), parts);
  if (lab) checkDefinition(reader, lab, parts);
  return { reader, lab };
}

function fileProblem(file: string, problem: string, allowed: string, at = { line: 1, column: 1 }): LabDefinitionError {
  return new LabDefinitionError([{ file: displayName(file), ...at, field: '(file)', problem, allowed }]);
}

export function loadDefinition(file: string, parts: DefinitionParts, rules: readonly LabRule[] = []): Lab {
  const path = resolve(file);
  const read = readDefinitionFile(path);
  if ('problem' in read) throw fileProblem(path, read.problem, read.allowed);
  const bad = invalidUtf8Offset(read.bytes);
  if (bad >= 0) {
    const hex = read.bytes[bad]!.toString(16).padStart(2, '0');
    throw fileProblem(
      path,
      `byte ${bad} (0x${hex}) is not UTF-8`,
      'a text file in UTF-8',
      bytePosition(read.bytes, bad),
    );
  }
  return parseDefinition(read.bytes.toString('utf8'), path, parts, rules);
}
