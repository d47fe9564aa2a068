// The verification report: <state>/report/index.html and summary.md, one SVG timeline per check
// that measured requests, next to the pcaps of V6/V7.
import { join } from 'node:path';
import { haStackOf } from '../../../roles/components.ts';
import { ownFolder, writeOwnFile } from '../../files/own-file.ts';
import type { Lab } from '../../lab/model.ts';
import { countVerdicts, verdictCounts, verdictOf, verdictWord, type CheckResult, type Verdict } from '../check.ts';
import { english, type Language, type Speaker, type Words } from '../../said.ts';
import { reportWords } from './report-words.ts';
import type { Finding } from '../../../roles/mistakes.ts';
import { keepVariants, type KeptRun } from './kept-variants.ts';
import { packetChartSvg } from './svg-packets.ts';
import { timelineSvg } from './svg-timeline.ts';
import { escape } from './escape-markup.ts';

/** What the report says of the run itself. */
export interface ReportRun {
  when: Date;
  /** where the requests came from and the packets were captured */
  vantage: Words;
  /** the language of the report, the run's (--lang) */
  say: Speaker;
  /** the pcaps this run wrote, beside the report */
  pcaps: string[];
  /** how the run ended, when not simply with its last check: interrupted, a machine not restored, still under way */
  notes: Words[];
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
  const { pcaps, say } = run;
  const words = reportWords(say);
  const verdict = (r: CheckResult) => verdictWord(verdictOf(r), say);
  return [
    `# ${words.heading} "${lab.name}"`,
    '',
    `${run.when.toISOString()} — ${verdictCounts(results, say)}; ${run.vantage}.`,
    '',
    `${words.haStack}: ${say.said(haStackOf(lab).describe(lab))}.`,
    '',
    ...(run.topology ? [`![${words.topologyAlt}](topology.svg)`, ''] : []),
    ...run.notes.flatMap((n) => [`**${n}**`, '']),
    ...((run.findings ?? []).length > 0
      ? [
          `## ${words.findingsHeading}`,
          '',
          ...(run.findings ?? []).map(
            (f) =>
              `- **${markdownText(f.step)}** ${markdownText(f.host)}: ${markdownText(say.said(f.wrong))} — ${markdownText(say.said(f.fix))}`,
          ),
          '',
        ]
      : []),
    `| ${words.resultsColumns.check} | ${words.resultsColumns.verdict} | ${words.resultsColumns.figures} |`,
    '|---|---|---|',
    ...results.map((r) => `| ${r.id} ${r.title} | ${verdict(r)} | ${r.summary.replace(/\|/g, '\\|')} |`),
    '',
    ...results.flatMap((r) => [
      `## ${r.id} ${r.title}`,
      '',
      ...r.evidence.map((e) => `- ${e}`),
      ...(r.timeline ? ['', `![timeline](timeline-${r.id}.svg)`] : []),
      ...(r.packetChart ? ['', `![packets](packets-${r.id}.svg)`] : []),
      ...(r.snapshots ?? []).map(
        (snap, i) =>
          `- ${words.statsPageAt}, ${snap.label} (${snap.takenAt}): [HTML](${snapshotFiles(r.id, i).html}), [CSV](${snapshotFiles(r.id, i).csv})`,
      ),
      '',
    ]),
    ...keptById(run).flatMap(([id, kept]) => [
      `## ${words.sideBySide(id)}`,
      '',
      `| ${words.keptColumns.definition} | ${words.keptColumns.when} | ${words.resultsColumns.verdict} | ${words.resultsColumns.figures} |`,
      '|---|---|---|---|',
      ...kept.map(
        (k) =>
          `| ${k.variant.replace(/\|/g, '\\|')} | ${k.when} | ${verdictWord(k.passed ? 'PASS' : 'FAIL', say)} | ${k.summary.replace(/\|/g, '\\|')} |`,
      ),
      '',
      ...kept.filter((k) => k.timeline).map((k) => `![${id}, ${k.variant}](${k.timeline})`),
      '',
    ]),
    ...(pcaps.length > 0
      ? [`## ${words.captures}`, '', ...pcaps.map((p) => `- [${p}](${p}) (${words.openInWireshark})`), '']
      : []),
  ].join('\n');
}

export function reportHtml(lab: Lab, results: CheckResult[], run: ReportRun): string {
  const { pcaps, say } = run;
  const words = reportWords(say);
  const verdict = (r: CheckResult) => verdictWord(verdictOf(r), say);
  const rows = results
    .map(
      (r) =>
        `<tr class="${verdictClass(r)}"><td>${r.id}</td><td>${escape(r.title)}</td><td>${verdict(r)}</td><td>${escape(r.summary)}</td></tr>`,
    )
    .join('\n');
  const sections = results
    .map(
      (r) => `<section id="${r.id}"><h2>${r.id} ${escape(r.title)} — ${verdict(r)}</h2>
<p>${escape(r.summary)}</p>
<div class="${r.timeline || r.packetChart ? 'beside' : ''}"><ul>${r.evidence.map((e) => `<li><code>${escape(e)}</code></li>`).join('')}</ul>
<div>${r.timeline ? `<img src="timeline-${r.id}.svg" alt="${escape(words.requestsDuring(r.id))}">` : ''}${r.packetChart ? `<img src="packets-${r.id}.svg" alt="${escape(words.packetsDuring(r.id))}">` : ''}</div></div>
${(r.snapshots ?? []).length > 0 ? `<p>${escape(words.statsPageAsItWas)}</p><ul>${(r.snapshots ?? []).map((snap, i) => `<li>${escape(snap.label)} (${escape(snap.takenAt)}): <a href="${snapshotFiles(r.id, i).html}">HTML</a>, <a href="${snapshotFiles(r.id, i).csv}">CSV</a></li>`).join('')}</ul>` : ''}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${say.lang}"><head><meta charset="utf-8"><title>${escape(words.tabTitle)} — ${escape(lab.name)}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
tr.pass td:nth-child(3){color:#1d7a38;font-weight:bold}tr.fail td:nth-child(3){color:#b3261e;font-weight:bold}tr.notrun td:nth-child(3){color:#6b6b6b;font-weight:bold}code{font-size:.85rem}img{max-width:100%}.beside{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem;align-items:start}.beside ul{margin:0}.note{color:#b3261e;font-weight:bold}</style></head>
<body><h1>${escape(words.heading)} "${escape(lab.name)}"</h1>
${run.topology ? `<figure><img src="topology.svg" alt="${escape(words.topologyAlt)}"></figure>` : ''}
<p>${run.when.toISOString()} — ${escape(verdictCounts(results, say))}. ${escape(words.farmOfTheTutorial)} <em>haproxy – heartbeat – nginx</em>: VIP ${escape(lab.vip.address)} (${escape(lab.vip.name)}) ${escape(words.keptBy)} ${escape(say.said(haStackOf(lab).describe(lab)))}; ${escape(run.vantage)}.</p>
${run.notes.map((n) => `<p class="note">${escape(n)}</p>`).join('\n')}
${(run.findings ?? []).length > 0 ? `<section id="findings"><h2>${escape(words.findingsHeading)}</h2><table><tr><th>${words.findingsColumns.step}</th><th>${words.findingsColumns.machine}</th><th>${words.findingsColumns.wrong}</th><th>${words.findingsColumns.fix}</th></tr>${(run.findings ?? []).map((f) => `<tr><td>${escape(f.step)}</td><td>${escape(f.host)}</td><td>${escape(say.said(f.wrong))}</td><td>${escape(say.said(f.fix))}</td></tr>`).join('')}</table></section>` : ''}
<table><tr><th>${words.resultsColumns.check}</th><th></th><th>${words.resultsColumns.verdict}</th><th>${words.resultsColumns.figures}</th></tr>
${rows}
</table>
${sections}
${keptById(run)
  .map(
    ([id, kept]) => `<section><h2>${escape(words.sideBySide(id))}</h2>
<table><tr><th>${words.keptColumns.definition}</th><th>${words.keptColumns.when}</th><th>${words.resultsColumns.verdict}</th><th>${words.resultsColumns.figures}</th></tr>
${kept.map((k) => `<tr class="${k.passed ? 'pass' : 'fail'}"><td>${escape(k.variant)}</td><td>${escape(k.when)}</td><td>${verdictWord(k.passed ? 'PASS' : 'FAIL', say)}</td><td>${escape(k.summary)}</td></tr>`).join('\n')}
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
${pcaps.length > 0 ? `<section><h2>${escape(words.captures)}</h2><ul>${pcaps.map((p) => `<li><a href="${escape(p)}">${escape(p)}</a> (${escape(words.openInWireshark)})</li>`).join('')}</ul></section>` : ''}
</body></html>
`;
}

/** The run's verdicts as data, beside the report: what lab:class reads of each farm. */
export const RESULTS_FILE = 'results.json';

export interface ReportResults {
  lab: string;
  /** the language of the titles, summaries and evidence (--lang); the verdicts are language-free keys */
  lang: Language;
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
    lang: run.say.lang,
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
export interface ReportOptions {
  vantage: Words;
  /** the run's language; English when not given */
  say?: Speaker;
  notes?: Words[];
  when?: Date;
  /** the picture of the lab (SVG), put at the top */
  topology?: string;
  findings?: readonly Finding[];
  /** false for the report written while the run goes on */
  finished?: boolean;
}

export function writeReport(dir: string, lab: Lab, results: CheckResult[], options: ReportOptions): string {
  const { vantage, say = english, notes = [], when = new Date(), topology, findings = [], finished = true } = options;
  ownFolder(dir);
  if (topology !== undefined) writeOwnFile(join(dir, 'topology.svg'), topology);
  for (const r of results) {
    if (r.timeline) writeOwnFile(join(dir, `timeline-${r.id}.svg`), timelineSvg(`${r.id} ${r.title}`, r.timeline, say));
    if (r.packetChart) writeOwnFile(join(dir, `packets-${r.id}.svg`), packetChartSvg(r.packetChart, say));
    (r.snapshots ?? []).forEach((snap, i) => {
      const files = snapshotFiles(r.id, i);
      writeOwnFile(join(dir, files.html), snap.html);
      writeOwnFile(join(dir, files.csv), snap.csv);
    });
  }
  // Only the pcaps this run's checks wrote: those of an earlier run are not this run's evidence.
  const pcaps = results.flatMap((r) => r.pcaps ?? []);
  const run: ReportRun = {
    when,
    vantage,
    say,
    pcaps,
    notes,
    kept: keepVariants(dir, results, when, say),
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
    private readonly vantage: Words,
    private readonly say: Speaker = english,
  ) {}

  add(result: CheckResult): void {
    this.results.push(result);
    const { vantage, say, started: when } = this;
    const notes = [reportWords(say).stillRunning];
    writeReport(this.dir, this.lab, this.results, { vantage, say, notes, when, finished: false });
  }

  /** The final report, with the picture of the lab as the run left it (SVG) at the top; returns the path of index.html. */
  finish(notes: Words[], topology?: string, findings: readonly Finding[] = []): string {
    const { vantage, say, started: when } = this;
    return writeReport(this.dir, this.lab, this.results, { vantage, say, notes, when, findings, topology });
  }
}
