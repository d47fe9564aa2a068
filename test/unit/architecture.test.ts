// The dependency rules of docs/architecture.md, read from the sources: the layers import one way
// (down), no file imports itself back through others (no cycle, type imports included), each
// component's folder is reached only through roles/components.ts and its own public files by
// the layers above, each provider's folder only through the registry, and no check imports
// another check. A new file is placed by these rules, so a new upward arrow fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../helpers/cli.ts';
import { importsInto, projectImports, sourceFiles } from '../helpers/source-imports.ts';

/**
 * The layers, lowest first. A file may import its own layer and those below it. The folders of
 * one row are siblings that never import each other; the single files of one row may.
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  [
    'lib/user-facing-error.ts',
    'lib/package-root.ts',
    'lib/load-on-first-use.ts',
    'lib/printable.ts',
    // the languages hafarm speaks (--lang)
    'lib/said.ts',
  ],
  // the one writer and the file system's errors in words
  ['lib/files'],
  ['lib/lab', 'lib/engine', 'lib/packets'],
  ['lib/state', 'lib/render'],
  // the components' shared contracts, then the components, then what lists them
  [
    'roles/component.ts',
    'roles/mistakes.ts',
    'roles/farm-import.ts',
    'roles/ha-stack.ts',
    'roles/role-context.ts',
    'roles/lab-inventory.ts',
    'roles/stack-removal.ts',
  ],
  [
    'roles/network',
    'roles/hosts',
    'roles/heartbeat',
    'roles/keepalived',
    'roles/haproxy',
    'roles/nginx',
    'roles/tools',
  ],
  ['roles/components.ts', 'roles/playbook.ts', 'roles/run-lab-play.ts', 'roles/render-lab.ts'],
  ['lib/providers'],
  ['lib/farm'],
  ['lib/verify', 'lib/graph', 'lib/outside', 'lib/open'],
  // a farm built by hand written as a definition; a class's farms graded through lab:verify's report
  ['lib/import', 'lib/class'],
  ['lib/cli'],
  // the tests' fixtures (a real sshd, the libvirt test box), which the benchmarks reuse
  ['test/helpers'],
  ['scripts', 'Vagrantfile.ts'],
];

const inside = (file: string, place: string) => file === place || file.startsWith(`${place}/`);
const placeOf = (file: string) => LAYERS.flat().find((place) => inside(file, place));
const layerOf = (file: string) => LAYERS.findIndex((row) => row.some((place) => inside(file, place)));

const PRODUCT = [
  ...sourceFiles('lib'),
  ...sourceFiles('roles'),
  ...sourceFiles('test/helpers'),
  ...sourceFiles('scripts'),
  'Vagrantfile.ts',
];
const COMPONENT_FOLDERS = LAYERS[5]!;

describe('the layers', () => {
  it('place every source file', () => {
    expect(PRODUCT.filter((file) => placeOf(file) === undefined)).toEqual([]);
    expect(COMPONENT_FOLDERS.map((folder) => sourceFiles(folder).length > 0)).not.toContain(false);
  });

  it('import one way, down: none imports a layer above it or a sibling of its row', () => {
    const arrows = PRODUCT.flatMap((file) =>
      projectImports(file)
        .filter((target) => !target.startsWith('node_modules/'))
        .flatMap((target) => {
          const [from, to] = [placeOf(file)!, placeOf(target)];
          if (to === undefined) return [`${file} → ${target} (outside every layer)`];
          if (from === to) return [];
          const [a, b] = [layerOf(file), layerOf(target)];
          // files of one row (the components' contracts, what lists them) may use each other; folders of one row are siblings
          const siblings = b === a && !(from.endsWith('.ts') && to.endsWith('.ts'));
          return b > a
            ? [`${file} → ${target} (up)`]
            : siblings
              ? [`${file} → ${target} (sideways: ${from} and ${to} are siblings)`]
              : [];
        }),
    );
    expect(arrows).toEqual([]);
  });

  it('hold no import cycle, type imports counted', () => {
    const graph = new Map(
      PRODUCT.map((file) => [file, projectImports(file).filter((target) => PRODUCT.includes(target))]),
    );
    expect(cycles(graph)).toEqual([]);
  });

  it('are read by this test: an arrow of each kind is seen', () => {
    expect(projectImports('roles/playbook.ts')).toContain('roles/components.ts');
    expect(projectImports('lib/farm/load-lab.ts')).toEqual(
      expect.arrayContaining(['lib/providers/registry.ts', 'roles/components.ts', 'lib/lab/load.ts']),
    );
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual(['a → b → c']);
  });
});

describe('the lowest layers', () => {
  it('name no component and no provider, not even in a type', () => {
    const low = LAYERS.slice(0, 4)
      .flat()
      .flatMap((place) => (place.endsWith('.ts') ? [place] : sourceFiles(place)));
    const names =
      /['"`](?:virtualbox|libvirt|netns|heartbeat|keepalived|haproxy|nginx)['"`]|\blab\.(?:haproxy|nginx|heartbeat|keepalived)\b|libvirtDriver/g;
    // the heartbeat network is the lab's own (networks.heartbeat, ha.paths), not the Heartbeat component
    const mentions = low.flatMap((file) =>
      [...readFileSync(join(PROJECT_DIR, file), 'utf8').matchAll(names)]
        .filter((m) => m[0] !== "'heartbeat'")
        .map((m) => `${file}: ${m[0]}`),
    );
    expect(mentions).toEqual([]);
  });
});

describe("the components' folders", () => {
  it('import no other component', () => {
    const crossing = COMPONENT_FOLDERS.flatMap((folder) =>
      importsInto(
        sourceFiles(folder),
        COMPONENT_FOLDERS.filter((other) => other !== folder),
      ),
    );
    expect(crossing).toEqual([]);
  });

  it('each hold their templates beside their code, and no template is anywhere else', () => {
    const templates = (folder: string) => sourceFilesOf(folder, '.njk');
    for (const folder of COMPONENT_FOLDERS)
      expect(
        templates(folder).every((file) => file.startsWith(`${folder}/templates/`)),
        folder,
      ).toBe(true);
    expect([...templates('lib').filter((file) => !file.startsWith('lib/providers/')), ...templates('scripts')]).toEqual(
      [],
    );
  });
});

describe('the checks', () => {
  const CHECKS = sourceFiles('lib/verify/checks');

  it('import no other check', () => {
    expect(CHECKS.flatMap((check) => importsInto([check], ['lib/verify/checks']))).toEqual([]);
  });

  it('are imported only by their runner, which lists them', () => {
    const others = PRODUCT.filter(
      (file) => !file.startsWith('lib/verify/checks/') && file !== 'lib/verify/run-checks.ts',
    );
    expect(importsInto(others, ['lib/verify/checks'])).toEqual([]);
  });

  it("name no HA stack: they ask the lab's stack through the list", () => {
    expect(importsInto(CHECKS, ['roles/heartbeat', 'roles/keepalived'])).toEqual([]);
    const mentions = CHECKS.flatMap((check) =>
      [
        ...readFileSync(join(PROJECT_DIR, check), 'utf8').matchAll(
          /\blab\.heartbeat\b|\blab\.keepalived\b|\.heartbeat\.(?:logfile|autoFailback|udpport|keepalive|deadtime)/g,
        ),
      ].map((m) => `${check}: ${m[0]}`),
    );
    expect(mentions).toEqual([]);
  });
});

/** Every file of that extension under the folder, relative to the project. */
function sourceFilesOf(folder: string, extension: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return walk(join(PROJECT_DIR, folder))
    .filter((path) => path.endsWith(extension))
    .map((path) => relative(PROJECT_DIR, path));
}

/** Each cycle once, as "a → b → c" from its smallest file (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort().join(' → '));
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found.sort();
}
