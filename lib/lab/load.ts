// Loads a lab definition file into the typed model, or throws LabDefinitionError listing every
// problem with its position. Reading a definition never creates anything.
import { readFileSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { LabDefinitionError } from './definition-error.ts';
import { FieldReader } from './yaml-fields.ts';
import { readDefinition } from './read-definition.ts';
import { checkDefinition } from './check-definition.ts';
import type { Lab } from './model.ts';

export const DEFAULT_LAB_FILE = 'lab.yaml';

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export function parseLab(text: string, file: string): Lab {
  const shown = displayName(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new LabDefinitionError(
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { file: shown, line, column: col, field: '(YAML syntax)', problem: e.message.split('\n')[0] ?? e.code, allowed: 'valid YAML' };
      }),
    );
  }
  const reader = new FieldReader(shown, lines);
  const lab = readDefinition(reader, doc, resolve(file));
  if (lab) checkDefinition(reader, lab);
  if (!lab || reader.issues.length > 0) throw new LabDefinitionError(reader.issues);
  return lab;
}

export function loadLab(file: string = DEFAULT_LAB_FILE): Lab {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new LabDefinitionError([{ file: displayName(path), line: 1, column: 1, field: '(file)', problem: `cannot be read: ${reason}`, allowed: 'a readable lab definition; pass --lab FILE' }]);
  }
  return parseLab(text, path);
}
