// @ts-check
// Compiles hafarm's TypeScript command line into one JavaScript file that Node runs as it is: no
// transpiler at every start (issue 19). `npm ci` runs it once (the prepare script); the launcher
// (bin/hafarm.js) runs it again whenever a source changed since, so an edit or a `git pull` is
// never run stale. Plain JavaScript on purpose: it runs before anything is compiled.
//
// The compiled file keeps the npm packages outside (they load from node_modules, each when first
// used; the YAML parser is compiled in) and records every source it was made of, with its size
// and modification time.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} Build what to compile, and where the one output file goes
 * @property {string} root the project's folder; the other paths are relative to it
 * @property {string} entry
 * @property {string} outDir
 * @property {string} outFile
 * @property {string[]} alsoDependsOn files besides the sources a change of which makes the output stale
 */

/** What to compile: hafarm's CLI unless told otherwise (the tests compile a small project of their own). @returns {Build} */
export function cliBuild(root = dirname(dirname(fileURLToPath(import.meta.url)))) {
  return {
    root,
    entry: 'scripts/hafarm.ts',
    outDir: 'dist',
    outFile: 'hafarm.js',
    alsoDependsOn: ['scripts/compile.js', 'tsconfig.json', 'package.json'],
  };
}

/** npm packages compiled into the output rather than loaded from node_modules. */
const BUNDLED = ['yaml'];

/** The project's dependencies, by name: what the output leaves to node_modules. @param {string} root */
function dependenciesOf(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
}

/** @param {Build} build */
function recordPath(build) {
  return join(build.root, build.outDir, `${build.outFile}.inputs.json`);
}

/** @param {string} root @param {string} file */
function fingerprint(root, file) {
  const stat = statSync(join(root, file));
  return { text: `${stat.size}:${stat.mtimeMs}`, mtimeMs: stat.mtimeMs };
}

// A file's time has the kernel's coarse clock: one changed this close to the start of a compile
// may have changed after esbuild read it.
const UNSURE_MS = 2000;

/**
 * The compiled file when every source it was made of is as it was then; undefined otherwise.
 * @param {Build} build @returns {string | undefined}
 */
export function freshOutput(build) {
  const output = join(build.outDir, build.outFile);
  try {
    const record = JSON.parse(readFileSync(recordPath(build), 'utf8'));
    // the output too: two compiles at once may leave one's output beside the other's record
    if (fingerprint(build.root, output).text !== record.output) return undefined;
    for (const [file, seen] of Object.entries(record.inputs))
      if (fingerprint(build.root, file).text !== seen) return undefined;
  } catch {
    return undefined; // never compiled, a source gone, a record unreadable: compile again
  }
  return join(build.root, output);
}

/** Writes a file whole or not at all: a command starting meanwhile reads the old one or the new one. @param {string} file @param {Uint8Array | string} content */
function writeAtomically(file, content) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/**
 * Compiles; returns the compiled file's path. Throws what esbuild says when a source does not compile.
 * @param {Build} build @returns {Promise<string>}
 */
export async function compile(build) {
  const { build: esbuild } = await import('esbuild');
  const started = Date.now();
  const result = await esbuild({
    absWorkingDir: build.root,
    entryPoints: [build.entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Each npm package loads from node_modules when first used, but the YAML parser, which nearly
    // every command needs at once: bundled, it starts in a few ms rather than some 50 (80 files).
    external: dependenciesOf(build.root).filter((name) => !BUNDLED.includes(name)),
    // what a bundled CommonJS package requires (node's own modules) needs a require in ES modules
    banner: {
      js: "import { createRequire as __hafarmCreateRequire } from 'node:module'; const require = __hafarmCreateRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    write: false,
    metafile: true,
    outfile: join(build.outDir, build.outFile),
    logLevel: 'silent',
  });
  const files = [...Object.keys(result.metafile.inputs), ...build.alsoDependsOn];
  const inputs = Object.fromEntries(
    files.map((file) => {
      const { text, mtimeMs } = fingerprint(build.root, file);
      // recorded as matching nothing: the next start compiles again rather than trust it
      return [file, mtimeMs > started - UNSURE_MS ? 'changed during the compile' : text];
    }),
  );
  mkdirSync(join(build.root, build.outDir), { recursive: true });
  for (const output of result.outputFiles) writeAtomically(output.path, output.contents);
  const output = fingerprint(build.root, join(build.outDir, build.outFile)).text;
  writeAtomically(recordPath(build), `${JSON.stringify({ output, inputs }, null, 1)}\n`);
  return join(build.root, build.outDir, build.outFile);
}

/** The compiled CLI, compiled first where it is missing or stale. @param {Build} build @returns {Promise<string>} */
export async function compiledCli(build = cliBuild()) {
  return freshOutput(build) ?? (await compile(build));
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const build = cliBuild();
  try {
    const file = await compile(build);
    console.log(`compiled ${build.entry} into ${relative(build.root, file)}`);
  } catch (error) {
    console.error(
      `hafarm: compiling ${build.entry} failed:\n${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
}
