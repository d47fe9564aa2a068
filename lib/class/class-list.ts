// The teacher's list of a class's farms (lab:class): a YAML file naming each student and the
// definition of the farm they built (written by lab:import, or by hand), read with the bounds
// and the every-problem-at-once errors of a lab definition.
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { formatDefinitionIssue, type DefinitionIssue } from '../lab/definition-error.ts';
import { readDefinitionFile } from '../lab/definition-file.ts';
import { textBoundProblem } from '../lab/text-bounds.ts';
import { invalidUtf8Offset } from '../lab/utf8.ts';
import { FieldReader } from '../lab/yaml-fields.ts';
import { yamlShapeProblems } from '../lab/yaml-shape.ts';
import { UserFacingError } from '../user-facing-error.ts';

export interface ClassFarm {
  /** as the teacher wrote it: one line of printable text */
  student: string;
  /** the farm's definition, an absolute path */
  lab: string;
}

/** More farms than this is not a class: each one is a verification of minutes. */
export const MAX_FARMS = 500;

const STUDENT = {
  re: /^[^\p{Cc}]{1,100}$/u,
  allowed: 'one line of at most 100 characters, the student as you name them',
};
const LAB_PATH = {
  re: /^[^\p{Cc}]{1,1024}$/u,
  allowed: "the farm's definition file: absolute, or relative to the class list's folder",
};

export class ClassListError extends UserFacingError {
  override name = 'ClassListError';
  constructor(
    readonly file: string,
    readonly issues: readonly DefinitionIssue[],
  ) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      [
        `${file}: the class list has ${count}; nothing was run.`,
        ...issues.slice(0, 50).map((i) => `  ${formatDefinitionIssue(i)}`),
      ].join('\n'),
    );
  }
}

export function parseClassList(text: string, file: string): ClassFarm[] {
  const bound = textBoundProblem(text);
  if (bound)
    throw new ClassListError(file, [
      { file, line: bound.line, column: bound.column, field: '(file)', problem: bound.problem, allowed: bound.allowed },
    ]);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0)
    throw new ClassListError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return {
          file,
          line,
          column: col,
          field: '(YAML syntax)',
          problem: e.message.split('\n')[0]!,
          allowed: 'valid YAML',
        };
      }),
    );
  const r = new FieldReader(file, lines);
  for (const p of yamlShapeProblems(doc)) r.report(p.path, p.node, p.problem, p.allowed);
  if (r.issues.length > 0) throw new ClassListError(file, r.issues);
  const root = r.map([], doc.contents, ['farms']);
  const items =
    root?.has('farms') === true
      ? r.list(['farms'], r.child(root, 'farms'), 'farms, each {student: NAME, lab: FILE}')
      : undefined;
  if (items && items.length > MAX_FARMS)
    r.report(['farms'], r.child(root!, 'farms'), `${items.length} farms`, `at most ${MAX_FARMS}`);
  const farms: ClassFarm[] = [];
  const seen = new Map<string, number>();
  (items ?? []).slice(0, MAX_FARMS).forEach((item, i) => {
    const map = r.map(['farms', i], item, ['student', 'lab']);
    if (!map) return;
    // a missing one is said by map() already
    const read = (key: string, rule: { re: RegExp; allowed: string }) =>
      map.has(key) ? r.string(['farms', i, key], r.child(map, key), rule.re, rule.allowed) : undefined;
    const student = read('student', STUDENT);
    const lab = read('lab', LAB_PATH);
    if (student === undefined || lab === undefined) return;
    const twice = seen.get(student);
    if (twice !== undefined)
      r.reportField(['farms', i, 'student'], `${student} is farms[${twice}] already`, 'each student once');
    seen.set(student, i);
    farms.push({ student, lab: isAbsolute(lab) ? lab : resolve(dirname(file), lab) });
  });
  if (r.issues.length > 0) throw new ClassListError(file, r.issues);
  return farms;
}

export function loadClassList(file: string): ClassFarm[] {
  const path = resolve(file);
  const read = readDefinitionFile(path);
  const problem = (text: string, allowed: string) =>
    new ClassListError(path, [{ file: path, line: 1, column: 1, field: '(file)', problem: text, allowed }]);
  if ('problem' in read) throw problem(read.problem, 'a readable class list of at most 1 MiB');
  if (invalidUtf8Offset(read.bytes) >= 0) throw problem('is not UTF-8 text', 'a YAML file in UTF-8');
  return parseClassList(read.bytes.toString('utf8'), path);
}
