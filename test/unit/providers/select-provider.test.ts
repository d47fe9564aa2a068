// Choosing the provider (lib/providers/select-provider.ts): with "auto", npm run lab prepares the
// host only for a provider it would otherwise not be able to use.
import { describe, expect, it } from 'vitest';
import type { LabProvider, MissingPrerequisite } from '../../../lib/providers/provider.ts';
import { autoChoiceLine, autoToPrepare } from '../../../lib/providers/select-provider.ts';

function fake(name: string, missing: MissingPrerequisite[], canPrepare: boolean): LabProvider {
  return {
    name,
    missingPrerequisites: async () => missing,
    ...(canPrepare ? { prepareHost: async () => undefined } : {}),
  } as unknown as LabProvider;
}

const lacking = [{ what: 'something', howToGet: 'install it' }];

describe('auto, before lab:up', () => {
  it('prepares nothing when a provider is usable as the host stands', async () => {
    expect(
      await autoToPrepare([
        fake('virtualbox', lacking, false),
        fake('libvirt', [], false),
        fake('netns', lacking, true),
      ]),
    ).toBeUndefined();
  });

  it('prepares the first provider in order that knows how, when none is usable', async () => {
    const netns = fake('netns', lacking, true);
    expect(
      await autoToPrepare([
        fake('virtualbox', lacking, false),
        fake('libvirt', lacking, false),
        netns,
        fake('later', lacking, true),
      ]),
    ).toBe(netns);
    expect(await autoToPrepare([fake('virtualbox', lacking, false)])).toBeUndefined();
  });
});

describe('auto, at lab:up', () => {
  it('says which provider it took and what each one before it lacked', () => {
    expect(
      autoChoiceLine('docker', [
        ['virtualbox', [{ what: 'the vagrant command', howToGet: '' }]],
        ['libvirt', [{ what: 'the vagrant command', howToGet: '' }]],
        [
          'netns',
          [
            { what: 'a Linux host (this is darwin)', howToGet: '' },
            { what: 'root', howToGet: '' },
          ],
        ],
      ]),
    ).toBe(
      'provider auto: docker, the first usable of virtualbox, libvirt, netns, docker (passed over: virtualbox lacks the vagrant command; libvirt lacks the vagrant command; netns lacks a Linux host (this is darwin); root)',
    );
    expect(autoChoiceLine('virtualbox', [])).toBe(
      'provider auto: virtualbox, the first usable of virtualbox, libvirt, netns, docker',
    );
  });
});
