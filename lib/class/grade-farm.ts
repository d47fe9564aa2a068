// One student's farm graded: hafarm's own lab:up (first contact over SSH, nothing changed on the
// machines) and lab:verify, each a child process of this one with a bounded time and bounded
// output, then the verdicts read back from the report's results.json. A farm that does not
// answer, or whose definition is refused, is a row that says why; it never stops the class.
import { spawn } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import { english, type Language, type Speaker } from '../said.ts';

/** What is kept of a child's output: its last characters, enough for the reason it gave. */
const KEPT_OUTPUT = 16 * 1024;
const MAX_RESULTS_BYTES = 4 * 1024 * 1024;
const VERDICTS = ['PASS', 'FAIL', 'NOT RUN'] as const;
type Verdict = (typeof VERDICTS)[number];

export interface FarmGrade {
  /** each check's verdict and its one-line summary, by check ID; empty when the checks did not run */
  checks: Map<string, { verdict: Verdict; summary: string }>;
  /** the tutorial steps the diagnosis named, with what was wrong: "T5 haproxy1: …" */
  findings: string[];
  /** why the farm has no verdicts, or why its run ended early: one line */
  problem?: string;
  /** the report's index.html, when the run wrote one */
  report?: string;
}

export interface GradeOptions {
  stateDir: string;
  only?: string;
  faults?: boolean;
  upTimeoutMs: number;
  verifyTimeoutMs: number;
  /** the language of the farm's report and of the row's reasons (--lang); English when not given */
  say?: Speaker;
}

export interface ChildRun {
  code: number | undefined;
  output: string;
  timedOut: boolean;
}

/**
 * How long lab:verify may take, after its SIGTERM, to power on what it powered off: a power
 * command (2 min), a boot until SSH answers (5 min) and the farm settling (1 min), with a margin.
 */
const RESTORE_GRACE_MS = 10 * 60_000;

/** hafarm itself, run as a child with a bounded time: SIGTERM at the limit (lab:verify then restores the lab), SIGKILL once the restore's time is over too. */
function runHafarm(args: string[], timeoutMs: number): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin/hafarm.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), RESTORE_GRACE_MS);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: undefined, output: error.message, timedOut });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      resolve({ code: code ?? undefined, output, timedOut });
    });
  });
}

/** What a failed command ended with: hafarm's last message (its indented lines joined), without its prefix. */
export function reasonOf(run: ChildRun, what: string, timeoutMs: number, say: Speaker = english): string {
  const minutes = Math.round(timeoutMs / 60_000);
  if (run.timedOut) return say(`${what} did not end within ${minutes} min`, `${what} no terminó en ${minutes} min`);
  const lines = run.output.split('\n');
  const at = lines.map((line) => line.startsWith('hafarm:')).lastIndexOf(true);
  const message =
    at === -1
      ? [lines.filter((line) => line.trim() !== '').at(-1) ?? '']
      : [lines[at]!, ...lines.slice(at + 1).filter((line) => /^\s+\S/.test(line))];
  const said = message
    .map((line) => line.trim())
    .join(' ')
    .replace(/^hafarm:\s*/, '');
  const code = run.code ?? say('none', 'ninguno');
  return said
    ? say(`${what} failed: ${said}`, `${what} falló: ${said}`)
    : say(`${what} failed (exit ${code})`, `${what} falló (código de salida ${code})`);
}

/** A file of at most `max` bytes read whole, 'too large', or undefined: a regular file only, never through a link. */
function readBounded(path: string, max: number): string | 'too large' | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return undefined;
    if (stats.size > max) return 'too large';
    const buffer = Buffer.alloc(stats.size);
    let read = 0;
    for (let n = -1; n !== 0 && read < buffer.length; read += n)
      n = readSync(fd, buffer, read, buffer.length - read, null);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const isText = (value: unknown): value is string => typeof value === 'string';

/** results.json, checked for the shape lab:verify writes; anything else is none. */
export function parseResults(
  text: string,
  lang: Language = 'en',
): (Pick<FarmGrade, 'checks' | 'findings'> & { when: number; finished: boolean; notes: string[] }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const root = value as { results?: unknown; findings?: unknown; when?: unknown; finished?: unknown; notes?: unknown };
  if (typeof root !== 'object' || root === null || !Array.isArray(root.results)) return undefined;
  const when = isText(root.when) ? Date.parse(root.when) : NaN;
  if (Number.isNaN(when)) return undefined;
  const checks = new Map<string, { verdict: Verdict; summary: string }>();
  for (const item of root.results as unknown[]) {
    const r = item as { id?: unknown; verdict?: unknown; summary?: unknown };
    if (typeof r !== 'object' || r === null || !isText(r.id) || !/^V\d{1,2}$/.test(r.id)) return undefined;
    if (!VERDICTS.includes(r.verdict as Verdict) || !isText(r.summary)) return undefined;
    checks.set(r.id, { verdict: r.verdict as Verdict, summary: r.summary });
  }
  const findings: string[] = [];
  for (const item of Array.isArray(root.findings) ? (root.findings as unknown[]) : []) {
    const f = item as { step?: unknown; host?: unknown; wrong?: Partial<Record<Language, unknown>> };
    const wrong = f?.wrong?.[lang];
    if (isText(f?.step) && isText(f.host) && isText(wrong)) findings.push(`${f.step} ${f.host}: ${wrong}`);
  }
  const notes = (Array.isArray(root.notes) ? (root.notes as unknown[]) : []).filter(isText);
  return { checks, findings, when, finished: root.finished === true, notes };
}

export async function gradeFarm(lab: string, options: GradeOptions): Promise<FarmGrade> {
  const say = options.say ?? english;
  const where = ['--lab', lab, '--state', options.stateDir];
  const up = await runHafarm(['up', ...where], options.upTimeoutMs);
  if (up.code !== 0)
    return { checks: new Map(), findings: [], problem: reasonOf(up, 'lab:up', options.upTimeoutMs, say) };
  const started = Date.now();
  const verify = await runHafarm(
    [
      'verify',
      ...where,
      '--lang',
      say.lang,
      ...(options.only ? ['--only', options.only] : []),
      ...(options.faults ? ['--faults'] : []),
    ],
    options.verifyTimeoutMs,
  );
  const report = join(options.stateDir, 'report');
  const text = readBounded(join(report, 'results.json'), MAX_RESULTS_BYTES);
  if (text === 'too large')
    return {
      checks: new Map(),
      findings: [],
      problem: say(
        `lab:verify's results.json is over ${MAX_RESULTS_BYTES / 2 ** 20} MiB`,
        `el results.json de lab:verify pasa de ${MAX_RESULTS_BYTES / 2 ** 20} MiB`,
      ),
    };
  const read = text === undefined ? undefined : parseResults(text, say.lang);
  // a report of an earlier run is not this one's (the run's time is when it began, to the millisecond)
  const results = read && read.when >= started - 1000 ? read : undefined;
  // Exit 1 with the whole run's results is a farm that failed checks; without them, or with a
  // run that ended early or left a machine off, the row says why.
  const problem =
    verify.timedOut || !results || (verify.code !== 0 && verify.code !== 1)
      ? reasonOf(verify, 'lab:verify', options.verifyTimeoutMs, say)
      : !results.finished
        ? say('lab:verify ended before its last check', 'lab:verify terminó antes de su última comprobación') +
          (results.notes.length > 0 ? `: ${results.notes.join('; ')}` : '')
        : results.notes.length > 0
          ? results.notes.join('; ')
          : undefined;
  return {
    checks: results?.checks ?? new Map(),
    findings: results?.findings ?? [],
    ...(problem ? { problem } : {}),
    ...(results ? { report: join(report, 'index.html') } : {}),
  };
}
