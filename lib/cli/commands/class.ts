import { createHash } from 'node:crypto';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { loadClassList, type ClassFarm } from '../../class/class-list.ts';
import { classCsv, classHtml, type ClassRow } from '../../class/class-table.ts';
import { gradeFarm } from '../../class/grade-farm.ts';
import { TargetFolder } from '../../files/target-folder.ts';
import { WRITTEN_FILES, WrittenFiles } from '../../state/written-files.ts';
import { CHECKS, checkIds } from '../../verify/run-checks.ts';
import { listOption, numberOption, stringOption, UsageError, type Command } from '../command.ts';
import { FORCE_HELP, FORCE_OPTION } from '../output-files.ts';
import { LANG_HELP, LANG_OPTION, langOption } from '../lang-option.ts';

const UP_TIMEOUT_MS = 5 * 60_000;

/**
 * A folder name for a student's farm: its place in the list, then the name's plain letters
 * (accents dropped), or a digest of the name where it has none: a list put in another order
 * never hands one student's state folder to another.
 */
export function farmFolder(index: number, farm: ClassFarm): string {
  const slug = farm.student
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 30)
    .toLowerCase();
  const name = slug || createHash('sha256').update(farm.student).digest('hex').slice(0, 12);
  return `${String(index + 1).padStart(3, '0')}-${name}`;
}

/** Runs `work` on every item, at most `jobs` at once, in the list's order of starting. */
async function pooled<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

export const classCommand: Command = {
  name: 'class',
  summary:
    "grade a class: verify every student's farm listed in FILE (a bounded number at once) and write a table, class.csv and class.html, a row per student and a column per check linked to that farm's report",
  usage: 'class FILE [--out DIR] [--jobs N] [--only V1[,V4]] [--faults] [--minutes N] [--lang en|es] [--force]',
  positionals: ['FILE'],
  options: {
    out: { type: 'string' },
    jobs: { type: 'string' },
    only: { type: 'string' },
    faults: { type: 'boolean' },
    minutes: { type: 'string' },
    ...LANG_OPTION,
    ...FORCE_OPTION,
  },
  optionHelp: {
    FILE: 'the class list: farms: [{student: NAME, lab: FILE}, …], each lab a definition (provider existing, as lab:import writes it)',
    '--out DIR': 'where the table and every farm\'s state folder and report go (default: "class" beside FILE)',
    '--jobs N': 'farms verified at once (default 2; each verification powers machines off and on)',
    '--only ID[,ID]': `run only these checks on every farm (${CHECKS.flatMap(checkIds).join(', ')})`,
    '--faults': 'also run the checks that break links (V8, V9)',
    '--minutes N': "the most one farm's verification may take before it is stopped and said so (default 20)",
    ...LANG_HELP,
    ...FORCE_HELP,
  },
  async run(args) {
    const say = langOption(args);
    const file = args.positionals[0];
    if (!file) throw new UsageError('name the class list: npm run lab:class -- FILE');
    const jobs = numberOption(args, 'jobs', { what: 'a whole number', fraction: false, min: 1, max: 16 }) ?? 2;
    const minutes = numberOption(args, 'minutes', { what: 'a whole number', fraction: false, min: 1, max: 240 }) ?? 20;
    const only = listOption(args, 'only', `check IDs: ${CHECKS.map((c) => c.id).join(', ')}`)?.map((id) =>
      id.toUpperCase(),
    );
    const unknown = (only ?? []).filter((id) => !CHECKS.some((c) => checkIds(c).includes(id)));
    if (unknown.length > 0)
      throw new UsageError(`--only: no check ${unknown.join(', ')} (checks: ${CHECKS.map((c) => c.id).join(', ')})`);
    const farms = loadClassList(file);
    const out = resolve(stringOption(args, 'out') ?? join(dirname(resolve(file)), 'class'));
    // The table goes through the one writer: never through a link, never over a file of the
    // user's unless --force; what it wrote is recorded beside it, so that the next run may replace it.
    const force = args.values.force === true;
    const record = new WrittenFiles({
      path: (entry) => join(out, entry),
      write: (entry, content) => folder.write([{ path: entry, content }]),
    });
    const folder: TargetFolder = new TargetFolder(out, {
      label: `--out ${out}`,
      mayReplace: (target, existing) =>
        force || basename(target) === WRITTEN_FILES || record.wroteExactly(target, existing),
      replaceHint: 'Pass --force to replace them, or another --out.',
    });
    const placeholder = [
      { path: 'class.csv', content: '' },
      { path: 'class.html', content: '' },
    ];
    folder.check(placeholder);
    const n = farms.length;
    console.log(
      say(
        `class of ${n} farm${n === 1 ? '' : 's'}, ${jobs} at once; results in ${out}`,
        `clase de ${n} granja${n === 1 ? '' : 's'}, ${jobs} a la vez; resultados en ${out}`,
      ),
    );
    const rows = await pooled(farms, jobs, async (farm, index): Promise<ClassRow> => {
      const stateDir = join(out, 'farms', farmFolder(index, farm));
      const grade = await gradeFarm(farm.lab, {
        stateDir,
        ...(only ? { only: only.join(',') } : {}),
        faults: args.values.faults === true,
        upTimeoutMs: UP_TIMEOUT_MS,
        verifyTimeoutMs: minutes * 60_000,
        say,
      });
      const verdicts = [...grade.checks.values()];
      const passed = verdicts.filter((c) => c.verdict === 'PASS').length;
      const counted = say(`${passed} of ${verdicts.length} passed`, `${passed} de ${verdicts.length} superadas`);
      const report = grade.report ? ` (${say('report', 'informe')} ${grade.report})` : '';
      console.log(`${farm.student}: ${grade.problem ?? counted}${report}`);
      return {
        student: farm.student,
        lab: farm.lab,
        grade,
        ...(grade.report ? { reportHref: relative(out, grade.report) } : {}),
      };
    });
    const files = [
      { path: 'class.csv', content: classCsv(rows, say) },
      {
        path: 'class.html',
        content: classHtml(
          rows,
          say(`hafarm: the class of ${basename(file)}`, `hafarm: la clase de ${basename(file)}`),
          new Date(),
          say,
        ),
      },
    ];
    folder.check(files);
    const targets = folder.write(files);
    record.record(targets.map((target, i) => ({ target, content: files[i]!.content })));
    console.log(`\n${say('table', 'tabla')}: ${targets.join(', ')}`);
    return 0;
  },
};
