// What a command loads before it does its work (issue 19): the compiled CLI run as a user runs it,
// every module it loads recorded by a preload (test/helpers/record-loads.mjs). Packages a
// command does not use must not load: that is most of a slow start-up. (The YAML parser, which
// nearly every command needs, is compiled into dist/hafarm.js: scripts/compile.js.)
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledCli } from '../../scripts/compile.js';
import { hafarm, PROJECT_DIR, scratchDir, TUTORIAL_LAB } from '../helpers/cli.ts';

const scratch = scratchDir('start-up');
afterAll(() => scratch.remove());
// compiled first, so that no run below compiles (and loads esbuild)
beforeAll(async () => void (await compiledCli()));

/** The npm packages `hafarm ARGS` loaded, by name, and its exit code. */
async function packagesLoadedBy(
  args: string[],
): Promise<{ packages: Set<string>; exitCode: number | undefined; stdout: string }> {
  const record = join(scratch.dir, `loads-${args.join('-').replace(/[^a-z-]/g, '')}.txt`);
  const result = await execa(
    process.execPath,
    ['--import', join(PROJECT_DIR, 'test/helpers/record-loads.mjs'), join(PROJECT_DIR, 'bin/hafarm.js'), ...args],
    {
      cwd: scratch.dir,
      env: { HAFARM_RECORD_LOADS: record },
      reject: false,
      stdin: 'ignore',
    },
  );
  const lines = readFileSync(record, 'utf8').split('\n');
  const packages = new Set(lines.flatMap((line) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)?.[1] ?? []));
  return { packages, exitCode: result.exitCode, stdout: String(result.stdout) };
}

const HEAVY = ['ssh2', 'listr2', 'execa', 'diff', '@viz-js/viz', 'esbuild', 'tsx'];

describe('start-up: a command loads only the packages it uses', () => {
  it("--help, and a command's --help, load no npm package at all", async () => {
    for (const args of [['--help'], ['provision', '--help'], ['verify', '--help']]) {
      const run = await packagesLoadedBy(args);
      expect(run.exitCode, args.join(' ')).toBe(0);
      expect(run.stdout).toContain('usage: hafarm');
      expect([...run.packages], args.join(' ')).toEqual([]);
    }
  });

  it('validate loads at most the template engine (for haproxy -c), never SSH, listr2 or execa; the YAML parser is compiled in', async () => {
    const run = await packagesLoadedBy(['validate', '--lab', TUTORIAL_LAB]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('is valid');
    for (const name of HEAVY) expect(run.packages.has(name), name).toBe(false);
    const nunjucks = [
      'nunjucks',
      ...Object.keys(
        JSON.parse(readFileSync(join(PROJECT_DIR, 'node_modules/nunjucks/package.json'), 'utf8')).dependencies,
      ),
    ];
    expect([...run.packages].filter((name) => !nunjucks.includes(name))).toEqual([]);
  });

  it('status of a lab not up loads no npm package', async () => {
    const run = await packagesLoadedBy(['status', '--lab', TUTORIAL_LAB, '--state', join(scratch.dir, 'no-lab')]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('has not been brought up');
    expect([...run.packages]).toEqual([]);
  });

  it('the recorder sees the packages that do load (render loads nunjucks)', async () => {
    const run = await packagesLoadedBy(['render', '--lab', TUTORIAL_LAB, '--out', join(scratch.dir, 'render')]);
    expect(run.exitCode).toBe(0);
    expect(run.packages.has('nunjucks')).toBe(true);
  });
});

describe('the launcher (bin/hafarm.js)', () => {
  /** A copy of the project, sharing node_modules, as the CRLF test makes one. */
  function projectCopy(name: string): string {
    const copy = join(scratch.dir, name);
    cpSync(PROJECT_DIR, copy, {
      recursive: true,
      filter: (src) => !/\/(node_modules|\.git|\.lab[^/]*|dist)$/.test(src),
    });
    symlinkSync(join(PROJECT_DIR, 'node_modules'), join(copy, 'node_modules'));
    return copy;
  }

  it('compiles a project that has no compiled CLI yet, and runs what it compiled', async () => {
    const copy = projectCopy('uncompiled');
    const result = await hafarm(['validate', '--lab', join(copy, 'lab.yaml')], { cwd: copy, project: copy });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('is valid');
    expect(readFileSync(join(copy, 'dist/hafarm.js'), 'utf8')).toContain('validateCommand');
  }, 60_000);

  it('runs the TypeScript through tsx where it cannot write the compiled CLI', async () => {
    const copy = projectCopy('unwritable');
    rmSync(join(copy, 'dist'), { recursive: true, force: true });
    writeFileSync(join(copy, 'dist'), 'a file where the folder would go\n');
    const result = await hafarm(['validate', '--lab', join(copy, 'lab.yaml')], { cwd: copy, project: copy });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('is valid');
    expect(result.stderr).toMatch(
      /^hafarm: running the TypeScript through tsx, slower \(the compiled CLI could not be made: .+\)$/m,
    );
  }, 60_000);
});
