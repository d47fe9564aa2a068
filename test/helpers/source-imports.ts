// The import graph read from the sources: which project files each TypeScript file imports
// (static, re-exports and dynamic import()), for the tests that keep dependencies one way.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_DIR } from './cli.ts';

/** Every .ts file under the folder (a path relative to the project), relative to the project. */
export function sourceFiles(folder: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [relative(PROJECT_DIR, path)] : [];
    });
  return walk(join(PROJECT_DIR, folder));
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;

/** The project files a source file imports, relative to the project; packages are left out. */
export function projectImports(file: string): string[] {
  const text = readFileSync(join(PROJECT_DIR, file), 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((m) => m[2]!)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(PROJECT_DIR, resolve(PROJECT_DIR, dirname(file), spec)));
}

/** "file → import" for each import of the files that lands inside one of the folders. */
export function importsInto(files: string[], folders: string[]): string[] {
  const inside = (path: string) => folders.some((folder) => path === folder || path.startsWith(`${folder}/`));
  return files.flatMap((file) =>
    projectImports(file)
      .filter(inside)
      .map((target) => `${file} → ${target}`),
  );
}
