// The host programs (lib/providers/host-tools.ts) are the namespace provider's prerequisites and what
// `npm run lab` installs: the list must name every program it spawns, each with the Debian
// package that really ships it. The clean-root test fails when one is missing from the list;
// these say which one, at once.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_TOOLS } from '../../lib/providers/host-tools.ts';
import { PROJECT_DIR } from '../helpers/cli.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The package dpkg says owns the program found on PATH (also through usr-merge's /bin → /usr/bin,
 * and through an alternative such as iptables → /etc/alternatives/iptables → xtables-nft-multi).
 */
function owner(program: string): string {
  const path = execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim();
  for (const candidate of [path, path.replace(/^\/usr/, ''), `/usr${path}`, realpathSync(path)]) {
    try {
      const said = execFileSync('dpkg-query', ['-S', candidate], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      // "diversion by dash from: /bin/sh" lines come first for a diverted file such as /bin/sh.
      return said
        .split('\n')
        .find((line) => line && !line.startsWith('diversion by'))!
        .split(':')[0]!;
    } catch {
      // not under that name
    }
  }
  throw new Error(`no package owns ${path}`);
}

describe("the namespace provider's host programs", () => {
  it('are each shipped by the Debian package the list names', () => {
    const wrong = Object.entries(HOST_TOOLS)
      .filter(([program, pkg]) => owner(program) !== pkg)
      .map(([program, pkg]) => `${program}: listed as ${pkg}, shipped by ${owner(program)}`);
    expect(wrong).toEqual([]);
  });

  it('are the only programs its code and the checks that stand on its host spawn directly', () => {
    const direct: string[] = [];
    for (const file of [
      ...sources(join(PROJECT_DIR, 'lib/providers/netns')),
      ...sources(join(PROJECT_DIR, 'lib/verify')),
    ]) {
      const text = readFileSync(file, 'utf8');
      // A spawn whose program is a bare string escapes the typed list (run() and attempt() take only its names).
      for (const match of text.matchAll(/\b(?:spawn|execa|execFile|execFileSync|spawnSync)\(\s*(['"`])([^'"`]+)\1/g))
        direct.push(`${relative(PROJECT_DIR, file)}: ${match[2]}`);
    }
    expect(direct).toEqual([]);
  });
});
