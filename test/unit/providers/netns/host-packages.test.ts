// lab:up installing the namespace provider's host packages (lib/providers/netns/host-packages.ts):
// nothing to say when the host has them; a failed apt-get reaches the user as what is missing.
import { describe, expect, it } from 'vitest';
import { installHostPackages } from '../../../../lib/providers/netns/host-packages.ts';
import { missingHostPackages } from '../../../../lib/providers/netns/prerequisites.ts';
import { PrerequisitesMissing } from '../../../../lib/providers/provider.ts';

describe("the namespace provider's host packages", () => {
  it('are left alone when none is missing (npm test installed them)', async () => {
    expect(missingHostPackages()).toEqual([]);
    const said: string[] = [];
    await installHostPackages((line) => said.push(line));
    expect(said).toEqual([]);
  });

  it('that apt-get cannot install are a PrerequisitesMissing naming them', async () => {
    // An empty PATH: every program looks missing, and apt-get itself cannot be started.
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    const said: string[] = [];
    try {
      const failure = await installHostPackages((line) => said.push(line)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PrerequisitesMissing);
      expect((failure as Error).message).toMatch(
        /^The netns provider cannot run on this host\. Missing:\n {2}- host packages: .*iproute2.*\n {4}apt-get update -q failed/,
      );
    } finally {
      process.env.PATH = path;
    }
    expect(said).toEqual([
      expect.stringMatching(/^preparing this host for the namespace provider: installing .*tcpdump.* with apt-get$/),
    ]);
  });
});
