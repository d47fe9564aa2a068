// hafarm's own folder (the one holding its package.json), found from where this code runs: the
// same folder whether it runs as TypeScript (lib/) or compiled into one file (dist/hafarm.js), so
// templates and helper scripts are read from one place either way.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRootFrom(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at;
    if (dirname(at) === at)
      throw new Error(`no package.json above ${dir}: hafarm's files are not where they were installed`);
  }
}

export const PACKAGE_ROOT = packageRootFrom(dirname(fileURLToPath(import.meta.url)));

/** A file or folder of hafarm's own, by its path in the package, e.g. 'roles/hosts/templates'. */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
