// `npm run bench -- --provider netns,docker`: each provider benched in turn, in a child of its own
// (bench-stop.ts), each writing its headline figures as data into a file of the run's; once all
// have run, the figures side by side, one column per provider, in the same output.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProviderFigures {
  provider: string;
  describe: string;
  coldUp: string;
  warmUp: string;
  firstProvision: string;
  noopProvision: string;
  /** by host */
  memory: Record<string, string>;
  memoryNote: string;
  /** by HA stack profile: failover and failback, min / median / max */
  stacks: Record<string, { failover: string; failback: string; lost: string }>;
}

/** Each provider's arguments: the run's own, its --provider replaced, and where it writes its figures. */
export function providerRuns(argv: readonly string[], providers: readonly string[], dir: string): string[][] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--provider') i++;
    else if (!argv[i]!.startsWith('--provider=')) rest.push(argv[i]!);
  }
  return providers.map((provider) => [...rest, '--provider', provider, '--figures', figuresFile(dir, provider)]);
}

export function figuresFile(dir: string, provider: string): string {
  return join(dir, `${provider}.json`);
}

export function writeFigures(file: string, figures: ProviderFigures): void {
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`, { mode: 0o600 });
}

/** The table: one row per figure, one column per provider, a dash where a provider has none. */
export function comparisonTable(all: readonly ProviderFigures[]): string {
  const hosts = [...new Set(all.flatMap((f) => Object.keys(f.memory)))];
  const stacks = [...new Set(all.flatMap((f) => Object.keys(f.stacks)))];
  const rows: Array<[string, (f: ProviderFigures) => string | undefined]> = [
    ['cold up', (f) => f.coldUp],
    ['warm up', (f) => f.warmUp],
    ['first provision', (f) => f.firstProvision],
    ['no-op provision', (f) => f.noopProvision],
    ...hosts.map((h): [string, (f: ProviderFigures) => string | undefined] => [`memory ${h}`, (f) => f.memory[h]]),
    ...stacks.flatMap((s): Array<[string, (f: ProviderFigures) => string | undefined]> => [
      [`${s}: failover min / median / max`, (f) => f.stacks[s]?.failover],
      [`${s}: failback min / median / max`, (f) => f.stacks[s]?.failback],
      [`${s}: requests lost in failback`, (f) => f.stacks[s]?.lost],
    ]),
  ];
  const lines = [
    `| | ${all.map((f) => f.provider).join(' | ')} |`,
    `|---|${all.map(() => '---').join('|')}|`,
    ...rows.map(([what, value]) => `| ${what} | ${all.map((f) => value(f) ?? '–').join(' | ')} |`),
  ];
  const notes = all.map((f) => `${f.provider}: ${f.describe}; memory is the ${f.memoryNote}`);
  return [...lines, '', ...notes].join('\n');
}

export function printComparison(files: readonly string[]): void {
  const all = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as ProviderFigures);
  console.log(`\nthe providers side by side, measured in this run:\n${comparisonTable(all)}`);
}
