// The verification report: <state>/report/index.html and summary.md, one SVG timeline per check
// that measured requests, next to the pcaps of V6/V7.
import { join } from 'node:path';
import { haStackOf } from '../../../roles/components.ts';
import { ownFolder, writeOwnFile } from '../../files/own-file.ts';
import type { Lab } from '../../lab/model.ts';
import { countVerdicts, verdictCounts, verdictOf, type CheckResult, type Verdict } from '../check.ts';
import type { Finding } from '../../../roles/mistakes.ts';
import { keepVariants, type KeptRun } from './kept-variants.ts';
import { packetChartSvg } from './svg-packets.ts';
import { timelineSvg } from './svg-timeline.ts';
import { escape } from './escape-markup.ts';

/** What the report says of the run itself. */
export interface ReportRun {
  when: Date;
  /** where the requests came from and the packets were captured */
  vantage: string;
  /** the pcaps this run wrote, beside the report */
  pcaps: string[];
  /** how the run ended, when not simply with its last check: interrupted, a machine not restored, still under way */
  notes: string[];
  /** the last run of each check under each variant of the definition, this run's included */
  kept?: KeptRun[];
  /** whether topology.svg, the picture of the lab (lib/graph), is beside the report */
  topology?: boolean;
  /** what the machines hold that is wrong, by the tutorial's steps (diagnose.ts): read where a check failed */
  findings?: readonly Finding[];
  /** false for the report written while the run goes on */
  finished?: boolean;
}

/** The kept runs by check, for the side-by-side sections. */
function keptById(run: ReportRun): Array<[string, KeptRun[]]> {
  const by = new Map<string, KeptRun[]>();
  for (const k of run.kept ?? []) by.set(k.id, [...(by.get(k.id) ?? []), k]);
  return [...by];
}

/** Text quoted from a machine, as Markdown shows it: no markup, link or table cell of its own. */
function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>|#!]/g, (c) => `\\${c}`);
}

/** The row's class: a check not run is greyed, neither green nor red. */
function verdictClass(r: CheckResult): string {
  return { PASS: 'pass', FAIL: 'fail', 'NOT RUN': 'notrun' }[verdictOf(r)];
}

/** The files a check's stats snapshot is kept in, beside the report: its HTML as HAProxy served it, and its CSV; the next run writes the same names. */
export function snapshotFiles(id: string, index: number): { html: string; csv: string } {
  return { html: `stats-${id}-${index + 1}.html`, csv: `stats-${id}-${index + 1}.csv` };
}

export function summaryMarkdown(lab: Lab, results: CheckResult[], run: ReportRun): string {
  const { pcaps } = run;
  return [
    `# hafarm verification of lab "${lab.name}"`,
    '',
    `${run.when.toISOString()} — ${verdictCounts(results)}; ${run.vantage}.`,
    '',
    `HA stack: ${haStackOf(lab).describe(lab)}.`,
    '',
    ...(run.topology ? ['![the lab: machines, networks and the VIP](topology.svg)', ''] : []),
    ...run.notes.flatMap((n) => [`**${n}**`, '']),
    ...((run.findings ?? []).length > 0
      ? [
          "## What is wrong, by the tutorial's steps",
          '',
          ...(run.findings ?? []).map(
            (f) =>
              `- **${markdownText(f.step)}** ${markdownText(f.host)}: ${markdownText(f.wrong.en)} — ${markdownText(f.fix.en)}`,
          ),
          '',
        ]
      : []),
    '| check | verdict | figures |',
    '|---|---|---|',
    ...results.map((r) => `| ${r.id} ${r.title} | ${verdictOf(r)} | ${r.summary.replace(/\|/g, '\\|')} |`),
    '',
    ...results.flatMap((r) => [
      `## ${r.id} ${r.title}`,
      '',
      ...r.evidence.map((e) => `- ${e}`),
      ...(r.timeline ? ['', `![timeline](timeline-${r.id}.svg)`] : []),
      ...(r.packetChart ? ['', `![packets](packets-${r.id}.svg)`] : []),
      ...(r.snapshots ?? []).map(
        (snap, i) =>
          `- HAProxy's statistics page, ${snap.label} (${snap.takenAt}): [HTML](${snapshotFiles(r.id, i).html}), [CSV](${snapshotFiles(r.id, i).csv})`,
      ),
      '',
    ]),
    ...keptById(run).flatMap(([id, kept]) => [
      `## ${id} side by side: the last run under each definition`,
      '',
      '| definition | when | verdict | figures |',
      '|---|---|---|---|',
      ...kept.map(
        (k) =>
          `| ${k.variant.replace(/\|/g, '\\|')} | ${k.when} | ${k.passed ? 'PASS' : 'FAIL'} | ${k.summary.replace(/\|/g, '\\|')} |`,
      ),
      '',
      ...kept.filter((k) => k.timeline).map((k) => `![${id}, ${k.variant}](${k.timeline})`),
      '',
    ]),
    ...(pcaps.length > 0 ? ['## Captures', '', ...pcaps.map((p) => `- [${p}](${p}) (open in Wireshark)`), ''] : []),
  ].join('\n');
}

export function reportHtml(lab: Lab, results: CheckResult[], run: ReportRun): string {
  const { pcaps } = run;
  const rows = results
    .map(
      (r) =>
        `<tr class="${verdictClass(r)}"><td>${r.id}</td><td>${escape(r.title)}</td><td>${verdictOf(r)}</td><td>${escape(r.summary)}</td></tr>`,
    )
    .join('\n');
  const sections = results
    .map(
      (r) => `<section id="${r.id}"><h2>${r.id} ${escape(r.title)} — ${verdictOf(r)}</h2>
<p>${escape(r.summary)}</p>
<div class="${r.timeline || r.packetChart ? 'beside' : ''}"><ul>${r.evidence.map((e) => `<li><code>${escape(e)}</code></li>`).join('')}</ul>
<div>${r.timeline ? `<img src="timeline-${r.id}.svg" alt="requests during ${r.id}">` : ''}${r.packetChart ? `<img src="packets-${r.id}.svg" alt="packets per balancer during ${r.id}">` : ''}</div></div>
${(r.snapshots ?? []).length > 0 ? `<p>HAProxy's statistics page as it was:</p><ul>${(r.snapshots ?? []).map((snap, i) => `<li>${escape(snap.label)} (${escape(snap.takenAt)}): <a href="${snapshotFiles(r.id, i).html}">HTML</a>, <a href="${snapshotFiles(r.id, i).csv}">CSV</a></li>`).join('')}</ul>` : ''}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hafarm verification — ${escape(lab.name)}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
tr.pass td:nth-child(3){color:#1d7a38;font-weight:bold}tr.fail td:nth-child(3){color:#b3261e;font-weight:bold}tr.notrun td:nth-child(3){color:#6b6b6b;font-weight:bold}code{font-size:.85rem}img{max-width:100%}.beside{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem;align-items:start}.beside ul{margin:0}.note{color:#b3261e;font-weight:bold}</style></head>
<body><h1>hafarm verification of lab "${escape(lab.name)}"</h1>
${run.topology ? '<figure><img src="topology.svg" alt="the lab: machines, networks and the VIP"></figure>' : ''}
<p>${run.when.toISOString()} — ${verdictCounts(results)}. The farm of the tutorial <em>haproxy – heartbeat – nginx</em>: VIP ${escape(lab.vip.address)} (${escape(lab.vip.name)}) kept by ${escape(haStackOf(lab).describe(lab))}; ${escape(run.vantage)}.</p>
${run.notes.map((n) => `<p class="note">${escape(n)}</p>`).join('\n')}
${(run.findings ?? []).length > 0 ? `<section id="findings"><h2>What is wrong, by the tutorial's steps</h2><table><tr><th>step</th><th>machine</th><th>what is wrong</th><th>what to do</th></tr>${(run.findings ?? []).map((f) => `<tr><td>${escape(f.step)}</td><td>${escape(f.host)}</td><td>${escape(f.wrong.en)}</td><td>${escape(f.fix.en)}</td></tr>`).join('')}</table></section>` : ''}
<table><tr><th>check</th><th></th><th>verdict</th><th>figures</th></tr>
${rows}
</table>
${sections}
${keptById(run)
  .map(
    ([id, kept]) => `<section><h2>${id} side by side: the last run under each definition</h2>
<table><tr><th>definition</th><th>when</th><th>verdict</th><th>figures</th></tr>
${kept.map((k) => `<tr class="${k.passed ? 'pass' : 'fail'}"><td>${escape(k.variant)}</td><td>${escape(k.when)}</td><td>${k.passed ? 'PASS' : 'FAIL'}</td><td>${escape(k.summary)}</td></tr>`).join('\n')}
</table>
${kept
  .filter((k) => k.timeline)
  .map(
    (k) =>
      `<figure><img src="${escape(k.timeline!)}" alt="${escape(`${id}, ${k.variant}`)}"><figcaption>${escape(k.variant)}</figcaption></figure>`,
  )
  .join('\n')}
</section>`,
  )
  .join('\n')}
${pcaps.length > 0 ? `<section><h2>Captures</h2><ul>${pcaps.map((p) => `<li><a href="${escape(p)}">${escape(p)}</a> (open in Wireshark)</li>`).join('')}</ul></section>` : ''}
</body></html>
`;
}

/** The run's verdicts as data, beside the report: what lab:class reads of each farm. */
export const RESULTS_FILE = 'results.json';

export interface ReportResults {
  lab: string;
  when: string;
  /** false while the run is under way (the report is rewritten after every check) */
  finished: boolean;
  counts: Record<Verdict, number>;
  results: Array<{ id: string; title: string; verdict: Verdict; summary: string; evidence: string[] }>;
  findings: readonly Finding[];
  /** how the run ended when not simply with its last check: interrupted, a machine not restored */
  notes: string[];
}

export function reportResults(lab: Lab, results: CheckResult[], run: ReportRun): ReportResults {
  return {
    lab: lab.name,
    when: run.when.toISOString(),
    finished: run.finished ?? true,
    counts: countVerdicts(results),
    results: results.map((r) => ({
      id: r.id,
      title: r.title,
      verdict: verdictOf(r),
      summary: r.summary,
      evidence: r.evidence,
    })),
    findings: run.findings ?? [],
    notes: run.notes,
  };
}

/**
 * Writes the report files; returns the path of index.html. Called after every check, so that a
 * run that ends early (a crash, a kill) still leaves the checks that ran.
 */
export function writeReport(
  dir: string,
  lab: Lab,
  results: CheckResult[],
  vantage: string,
  notes: string[] = [],
  when = new Date(),
  topology?: string,
  findings: readonly Finding[] = [],
  finished = true,
): string {
  ownFolder(dir);
  if (topology !== undefined) writeOwnFile(join(dir, 'topology.svg'), topology);
  for (const r of results) {
    if (r.timeline) writeOwnFile(join(dir, `timeline-${r.id}.svg`), timelineSvg(`${r.id} ${r.title}`, r.timeline));
    if (r.packetChart) writeOwnFile(join(dir, `packets-${r.id}.svg`), packetChartSvg(r.packetChart));
    (r.snapshots ?? []).forEach((snap, i) => {
      const files = snapshotFiles(r.id, i);
      writeOwnFile(join(dir, files.html), snap.html);
      writeOwnFile(join(dir, files.csv), snap.csv);
    });
  }
  // Only the pcaps this run's checks wrote: those of an earlier run are not this run's evidence.
  const pcaps = results.flatMap((r) => r.pcaps ?? []);
  const run = {
    when,
    vantage,
    pcaps,
    notes,
    kept: keepVariants(dir, results, when),
    topology: topology !== undefined,
    findings,
    finished,
  };
  writeOwnFile(join(dir, 'summary.md'), summaryMarkdown(lab, results, run));
  writeOwnFile(join(dir, 'index.html'), reportHtml(lab, results, run));
  writeOwnFile(join(dir, RESULTS_FILE), `${JSON.stringify(reportResults(lab, results, run), null, 2)}\n`);
  return join(dir, 'index.html');
}

/** The report of one run, rewritten as each check ends and once more when the run is over. */
export class RunReport {
  private readonly results: CheckResult[] = [];
  /** the run's time, on every write of its report and on the runs it keeps */
  private readonly started = new Date();

  constructor(
    private readonly dir: string,
    private readonly lab: Lab,
    private readonly vantage: string,
  ) {}

  add(result: CheckResult): void {
    this.results.push(result);
    writeReport(
      this.dir,
      this.lab,
      this.results,
      this.vantage,
      ['still running: the checks after these had not ended when this report was written'],
      this.started,
      undefined,
      [],
      false,
    );
  }

  /** The final report, with the picture of the lab as the run left it (SVG) at the top; returns the path of index.html. */
  finish(notes: string[], topology?: string, findings: readonly Finding[] = []): string {
    return writeReport(this.dir, this.lab, this.results, this.vantage, notes, this.started, topology, findings);
  }
}
