// The class table (lab:class): a row per student, a column per check, as CSV for the teacher's
// spreadsheet and as an HTML page whose cells link to each farm's report. Everything in a row
// came from a student's machines or files: every cell is cut to a bounded length, stripped of
// control characters, quoted for CSV (and kept from being read as a spreadsheet formula) and
// escaped for HTML.
import type { FarmGrade } from './grade-farm.ts';
import { english, type Speaker } from '../said.ts';
import { verdictWord } from '../verify/check.ts';

export interface ClassRow {
  student: string;
  lab: string;
  grade: FarmGrade;
  /** the farm's report, relative to the table's folder; absent when none was written */
  reportHref?: string;
}

const MAX_CELL = 500;

/** One line of bounded length: a machine's answer may hold anything. */
export function cell(text: string): string {
  const line = text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim();
  return line.length > MAX_CELL ? `${line.slice(0, MAX_CELL)}…` : line;
}

/** A CSV field (RFC 4180), never taken for a formula by a spreadsheet (=, +, -, @ first). */
export function csvField(text: string): string {
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The checks' IDs any farm has a verdict for, in the tutorial's order. */
export function checkColumns(rows: readonly ClassRow[]): string[] {
  const ids = new Set(rows.flatMap((row) => [...row.grade.checks.keys()]));
  return [...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

function counts(grade: FarmGrade): { passed: number; failed: number; notRun: number } {
  const verdicts = [...grade.checks.values()].map((c) => c.verdict);
  return {
    passed: verdicts.filter((v) => v === 'PASS').length,
    failed: verdicts.filter((v) => v === 'FAIL').length,
    notRun: verdicts.filter((v) => v === 'NOT RUN').length,
  };
}

export function classCsv(rows: readonly ClassRow[], say: Speaker = english): string {
  const ids = checkColumns(rows);
  const header = [
    say('student', 'estudiante'),
    say('lab', 'laboratorio'),
    ...ids,
    say('passed', 'superadas'),
    say('failed', 'fallidas'),
    say('not run', 'no ejecutadas'),
    say('problem', 'problema'),
    say('what is wrong', 'qué está mal'),
    say('report', 'informe'),
  ];
  const lines = rows.map((row) => {
    const n = counts(row.grade);
    return [
      row.student,
      row.lab,
      ...ids.map((id) => {
        const check = row.grade.checks.get(id);
        return check ? verdictWord(check.verdict, say) : '';
      }),
      String(n.passed),
      String(n.failed),
      String(n.notRun),
      row.grade.problem ?? '',
      row.grade.findings.join('; '),
      row.reportHref ?? '',
    ]
      .map((text) => csvField(cell(text)))
      .join(',');
  });
  return `${[header.map(csvField).join(','), ...lines].join('\r\n')}\r\n`;
}

export function classHtml(rows: readonly ClassRow[], title: string, when: Date, say: Speaker = english): string {
  const ids = checkColumns(rows);
  const body = rows
    .map((row) => {
      const n = counts(row.grade);
      const link = (text: string, anchor = '') =>
        row.reportHref ? `<a href="${escapeHtml(row.reportHref)}${anchor}">${text}</a>` : text;
      const verdicts = ids.map((id) => {
        const check = row.grade.checks.get(id);
        if (!check) return '<td></td>';
        const kind = { PASS: 'pass', FAIL: 'fail', 'NOT RUN': 'notrun' }[check.verdict];
        return `<td class="${kind}" title="${escapeHtml(cell(check.summary))}">${link(verdictWord(check.verdict, say), `#${id}`)}</td>`;
      });
      const problem = row.grade.problem ? `<p class="problem">${escapeHtml(cell(row.grade.problem))}</p>` : '';
      const findings =
        row.grade.findings.length > 0
          ? `<ul>${row.grade.findings
              .slice(0, 20)
              .map((f) => `<li>${escapeHtml(cell(f))}</li>`)
              .join('')}</ul>`
          : '';
      return `<tr><th scope="row">${escapeHtml(cell(row.student))}</th>${verdicts.join('')}<td>${n.passed}/${n.passed + n.failed + n.notRun}</td><td>${problem}${findings}${row.reportHref ? link(say('report', 'informe')) : ''}</td></tr>`;
    })
    .join('\n');
  const n = rows.length;
  const farmsLine = say(
    `${n} farm${n === 1 ? '' : 's'}; each verdict links to the check in that farm's report.`,
    `${n} granja${n === 1 ? '' : 's'}; cada veredicto enlaza con la comprobación en el informe de esa granja.`,
  );
  return `<!doctype html>
<html lang="${say.lang}"><head><meta charset="utf-8"><title>${escapeHtml(cell(title))}</title>
<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}td.pass{color:#1d7a38;font-weight:bold}td.fail{color:#b3261e;font-weight:bold}td.notrun{color:#6b6b6b}.problem{color:#b3261e;margin:0}ul{margin:0;padding-left:1.2rem}</style></head>
<body><h1>${escapeHtml(cell(title))}</h1>
<p>${escapeHtml(when.toISOString())}: ${escapeHtml(farmsLine)}</p>
<table><tr><th>${say('student', 'estudiante')}</th>${ids.map((id) => `<th>${escapeHtml(id)}</th>`).join('')}<th>${say('passed', 'superadas')}</th><th>${say('why, and what is wrong', 'por qué, y qué está mal')}</th></tr>
${body}
</table>
</body></html>
`;
}
