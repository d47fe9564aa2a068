// Errors in a lab definition are plain data (file, position, field, problem, what is allowed);
// one pure function turns them into the message the user reads.
import { UserFacingError } from '../user-facing-error.ts';
import { printable } from '../printable.ts';

export interface DefinitionIssue {
  file: string;
  line: number;
  column: number;
  /** dotted path of the field, e.g. "hosts[2].lan" */
  field: string;
  problem: string;
  allowed?: string;
}

export class LabDefinitionError extends UserFacingError {
  constructor(readonly issues: DefinitionIssue[]) {
    super(formatDefinitionIssues(issues));
    this.name = 'LabDefinitionError';
  }
}

export function formatDefinitionIssue(issue: DefinitionIssue): string {
  const where = `${printable(issue.file)}:${issue.line}:${issue.column}`;
  const allowed = issue.allowed ? ` (allowed: ${printable(issue.allowed)})` : '';
  return `${where}: ${printable(issue.field)}: ${printable(issue.problem)}${allowed}`;
}

/** A broken file can hold thousands of problems; the first ones are what the user reads. */
export const MAX_SHOWN_ISSUES = 50;

export function formatDefinitionIssues(issues: DefinitionIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const file = printable(issues[0]?.file ?? 'lab definition');
  const shown = issues.slice(0, MAX_SHOWN_ISSUES).map((i) => `  ${formatDefinitionIssue(i)}`);
  const more = issues.length > MAX_SHOWN_ISSUES ? [`  … and ${issues.length - MAX_SHOWN_ISSUES} more`] : [];
  return [`${file}: the lab definition has ${count}; nothing was created.`, ...shown, ...more].join('\n');
}
