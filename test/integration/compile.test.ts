// scripts/compile.js on a small TypeScript project of the test's own, with the real esbuild: what
// it writes runs on plain Node, and a source changed since makes it compile again.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, compiledCli, freshOutput } from '../../scripts/compile.js';
import { scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('compile');
afterAll(() => scratch.remove());

function project(name: string) {
  const root = join(scratch.dir, name);
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(root, 'src/main.ts'),
    "import { greeting } from './greeting.ts';\nconst who: string = 'lab';\nconsole.log(greeting(who));\n",
  );
  writeFileSync(join(root, 'src/greeting.ts'), 'export const greeting = (who: string): string => `hello ${who}`;\n');
  // sources written a while ago, as a checkout's are: one changed just before a compile is not trusted
  for (const file of ['package.json', 'src/main.ts', 'src/greeting.ts'])
    utimesSync(join(root, file), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  return { root, entry: 'src/main.ts', outDir: 'dist', outFile: 'main.js', alsoDependsOn: ['package.json'] };
}

const runs = (file: string) => execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim();

describe('compile', () => {
  it('writes one JavaScript file that plain Node runs, and knows it fresh until a source changes', async () => {
    const build = project('fresh');
    expect(freshOutput(build)).toBeUndefined();
    const file = await compile(build);
    expect(file).toBe(join(build.root, 'dist/main.js'));
    expect(runs(file)).toBe('hello lab');
    expect(freshOutput(build)).toBe(file);
    // a source edited later (another size and time): stale, and compiledCli compiles it again
    writeFileSync(
      join(build.root, 'src/greeting.ts'),
      'export const greeting = (who: string): string => `hola ${who}`;\n',
    );
    utimesSync(join(build.root, 'src/greeting.ts'), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
    expect(freshOutput(build)).toBeUndefined();
    expect(runs(await compiledCli(build))).toBe('hola lab');
    expect(freshOutput(build)).toBe(file);
  });

  it("an output that is not the one its record was written with (another compile's) is stale", async () => {
    const build = project('output');
    const file = await compile(build);
    writeFileSync(file, 'console.log("another compile");\n');
    expect(freshOutput(build)).toBeUndefined();
  });

  it('a file it depends on besides the sources (package.json) makes it stale too', async () => {
    const build = project('depends');
    await compile(build);
    writeFileSync(join(build.root, 'package.json'), '{ "type": "module", "name": "x" }\n');
    expect(freshOutput(build)).toBeUndefined();
  });

  it('a source changed just before the compile is not trusted: the next start compiles again', async () => {
    const build = project('unsure');
    writeFileSync(
      join(build.root, 'src/greeting.ts'),
      'export const greeting = (who: string): string => `hi ${who}`;\n',
    );
    const file = await compile(build);
    expect(runs(file)).toBe('hi lab');
    expect(freshOutput(build)).toBeUndefined();
  });

  it('a source that does not compile: an error naming the file, nothing written', async () => {
    const build = project('broken');
    writeFileSync(join(build.root, 'src/greeting.ts'), 'export const greeting = (who: string =>;\n');
    await expect(compile(build)).rejects.toThrow(/src\/greeting\.ts/);
    expect(freshOutput(build)).toBeUndefined();
    expect(existsSync(join(build.root, 'dist'))).toBe(false);
  });
});
