// Nothing outside lib/providers/ asks which provider it is talking to: the code reaches the
// providers through the contract (provider.ts), the registry and select-provider.ts only, never
// a provider's own folder. Tests and scripts may, where they test or measure that provider.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../helpers/cli.ts';
import { importsInto, sourceFiles } from '../../helpers/source-imports.ts';

const PROVIDER_FOLDERS = ['lib/providers/netns', 'lib/providers/vagrant'];
const outside = [
  ...sourceFiles('lib').filter((file) => !file.startsWith('lib/providers/')),
  ...sourceFiles('roles'),
  'bin/hafarm.js',
];

describe("the providers' folders", () => {
  it('are imported from nowhere outside lib/providers/', () => {
    expect(
      importsInto(
        outside.filter((file) => file.endsWith('.ts')),
        PROVIDER_FOLDERS,
      ),
    ).toEqual([]);
    expect(readFileSync(join(PROJECT_DIR, 'bin/hafarm.js'), 'utf8')).not.toMatch(/providers\/(netns|vagrant)\//);
  });

  it('are not asked for by name or class outside lib/providers/', () => {
    const asks = outside.flatMap((file) =>
      [
        ...readFileSync(join(PROJECT_DIR, file), 'utf8').matchAll(
          /[!=]==\s*'(?:virtualbox|libvirt|netns)'|instanceof\s+\w*Provider\b/g,
        ),
      ].map((m) => `${file}: ${m[0]}`),
    );
    expect(asks).toEqual([]);
  });

  it('are reached through the registry, which this test reads', () => {
    expect(importsInto(['lib/providers/registry.ts'], PROVIDER_FOLDERS).sort()).toEqual([
      'lib/providers/registry.ts → lib/providers/netns/netns-provider.ts',
      'lib/providers/registry.ts → lib/providers/vagrant/vagrant-provider.ts',
    ]);
  });
});
