// The bench removes its lab whatever stops it (issue 27, class 10), with a real lab on namespaces
// as root. A cold bench builds a base image from the network, so the bench's own lab helper and
// stop (scripts/bench/bench-lab.ts, bench-stop.ts) run here in a script of the test's own that
// does what npm run bench does first: under tsx's command line, its lab made and brought up with
// the bench's provider, then waiting as the bench measures. The signal goes to the process the
// test started, by PID: SIGTERM to tsx after the lab is up; SIGTERM while the lab is being made,
// then two more signals; Ctrl-C as a terminal sends it (to the process group); SIGTERM to the npm
// that ran it. Each time the lab is gone: no namespace, link, mount, process or claim left.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimFile } from '../../lib/providers/netns/lab-claim.ts';
import { hafarm, PROJECT_DIR, scratchDir, TUTORIAL_LAB } from '../helpers/cli.ts';
import { e2eLabName, labCopy, leftovers, NOTHING, waitFor, type TestLab } from '../helpers/netns-lab.ts';

const scratch = scratchDir('e2e-bench-stop');
const HARNESS = join(scratch.dir, 'bench-like.mts');
const TSX = join(PROJECT_DIR, 'node_modules/tsx/dist/cli.mjs');
const module = (path: string) => JSON.stringify(pathToFileURL(join(PROJECT_DIR, path)).href);

/** What npm run bench does before it measures, with a definition of the test's: then it waits. */
const SCRIPT = `
import { readFileSync } from 'node:fs';
import { benchInChild, benchStop } from ${module('scripts/bench/bench-stop.ts')};
import { benchLab } from ${module('scripts/bench/bench-lab.ts')};
if (benchInChild(import.meta.url)) await new Promise(() => undefined);
const definition = process.argv[2];
const stop = benchStop('bench');
const bench = benchLab(
  {
    describe: 'the test', labText: () => readFileSync(definition, 'utf8'), prepare: async () => undefined,
    forgetCache: async () => '', afterUp: async () => undefined, memoryMiB: () => 0, memoryNote: '',
    rounds: 1, cleanup: async () => undefined,
  },
  'netns',
  stop,
);
await stop.run(async () => {
  bench.state.claim(bench.lab, 'netns');
  console.log('making ' + bench.state.dir);
  await bench.provider.up(() => undefined);
  console.log('up ' + bench.state.dir);
  for (;;) await stop.sleep(60_000);
}, () => bench.cleanUp((line) => console.log(line)));
`;

interface Started {
  lab: TestLab;
  child: ChildProcess;
  output(): string;
  /** the bench's state folder, once it said it */
  state(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];

beforeAll(() => writeFileSync(HARNESS, SCRIPT));

afterAll(async () => {
  try {
    for (const run of started) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGKILL');
        await run.exited;
      }
      const state = /^making (.+)$/m.exec(run.output())?.[1];
      if (state && existsSync(state))
        await hafarm(['destroy', '--lab', join(dirname(state), 'lab.yaml'), '--state', state], { cwd: scratch.dir });
      if (state) expect(leftovers(run.lab.file, state)).toEqual(NOTHING);
    }
  } finally {
    const mounted = readFileSync('/proc/self/mounts', 'utf8').includes(' /tmp/hafarm-bench-');
    if (!mounted) scratch.remove();
  }
}, 300_000);

/** The bench-like script under tsx's command line (or `argv` given), as npm run bench runs it. */
function start(tag: string, options: { argv?: string[]; detached?: boolean } = {}): Started {
  const lab = labCopy(scratch.dir, TUTORIAL_LAB, e2eLabName(tag));
  if (options.argv)
    // npm runs the same command line from a package.json of the scratch folder
    writeFileSync(
      join(scratch.dir, 'package.json'),
      JSON.stringify({ name: 'bench-like', private: true, scripts: { bench: `node ${TSX} ${HARNESS} ${lab.file}` } }),
    );
  const argv = options.argv ?? [process.execPath, TSX, HARNESS, lab.file];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: scratch.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let said = '';
  child.stdout!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const run: Started = {
    lab,
    child,
    output: () => said,
    state: () => /^making (.+)$/m.exec(said)![1]!,
    exited,
  };
  started.push(run);
  return run;
}

const says = (run: Started, pattern: RegExp, timeoutMs = 120_000) =>
  waitFor(
    `the bench says ${pattern}`,
    async () => pattern.test(run.output()) || run.child.exitCode !== null,
    timeoutMs,
  );

/** Nothing of the bench's lab left on the host, its scratch folder and its name's claim included. */
function expectGone(run: Started): void {
  const state = run.state();
  expect(leftovers(run.lab.file, state), run.output()).toEqual(NOTHING);
  expect(existsSync(dirname(state))).toBe(false);
  expect(existsSync(claimFile(run.lab.name))).toBe(false);
}

describe('the bench stopped by a signal removes its lab', () => {
  it('SIGTERM to the bench (tsx) once its lab is up: exit 143, the lab gone', async () => {
    const run = start('b1');
    await says(run, /^up /m);
    expect(leftovers(run.lab.file, run.state()).namespaces).toHaveLength(6);
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code, run.output()).toBe(143);
    expect(run.output()).toContain(
      'bench: SIGTERM: stopping; removing its lab (another signal does not interrupt that)',
    );
    expect(run.output()).toContain('bench: stopped; removed its lab');
    expectGone(run);
  }, 240_000);

  it('SIGTERM while its machines are being made, then two more signals: the up ends, then the lab goes, whole', async () => {
    const run = start('b2');
    await says(run, /^making /m);
    run.child.kill('SIGTERM');
    await says(run, /stopping; removing its lab/);
    run.child.kill('SIGINT');
    await says(run, /SIGINT: still removing its lab/);
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code, run.output()).toBe(143);
    expect(run.output()).toContain('bench: SIGTERM: stopping; removing its lab once the step under way ends');
    expect(run.output()).toMatch(/bench: SIGTERM: still removing its lab; it ends once that is done/);
    expect(run.output()).toContain('bench: stopped; removed its lab');
    expectGone(run);
  }, 240_000);

  it("Ctrl-C as a terminal sends it (SIGINT to the bench's process group): exit 130, the lab gone", async () => {
    const run = start('b3', { detached: true });
    await says(run, /^up /m);
    process.kill(-run.child.pid!, 'SIGINT');
    const { code } = await run.exited;
    expect(code, run.output()).toBe(130);
    expect(run.output()).toContain('bench: SIGINT: stopping; removing its lab');
    expectGone(run);
  }, 240_000);

  it('SIGTERM to the npm run that started it: the bench hears that npm ended, and the lab goes', async () => {
    const run = start('b4', { argv: ['npm', 'run', 'bench'] });
    await says(run, /^up /m);
    run.child.kill('SIGTERM');
    // npm's pipes close once every process holding them (the bench too) has ended
    await run.exited;
    expect(run.output()).toMatch(/bench: the npm run bench that started it has ended \(\w+, pid \d+\): stopping/);
    expect(run.output()).toContain('bench: stopped; removed its lab');
    expectGone(run);
    expect(psHas(HARNESS)).toBe(false);
  }, 240_000);
});

/** Whether a process of this host has the text in its command line. */
function psHas(text: string): boolean {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    });
}
