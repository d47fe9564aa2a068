import { describe, expect, it } from 'vitest';
import { comparisonTable, providerRuns, type ProviderFigures } from '../../../../scripts/bench/provider-comparison.ts';

describe('the bench over several providers', () => {
  it("runs each with the run's own arguments, its own --provider and a figures file of its own", () => {
    expect(
      providerRuns(['--provider', 'netns,docker', '--rounds', '3', '--provider=x'], ['netns', 'docker'], '/d'),
    ).toEqual([
      ['--rounds', '3', '--provider', 'netns', '--figures', '/d/netns.json'],
      ['--rounds', '3', '--provider', 'docker', '--figures', '/d/docker.json'],
    ]);
  });

  it('prints one column per provider, one row per figure, a dash where one has none', () => {
    const netns: ProviderFigures = {
      provider: 'netns',
      describe: 'the namespace provider',
      coldUp: '20.1 s (base image built)',
      warmUp: '1.20 s',
      firstProvision: '22.0 s',
      noopProvision: '0.400 s',
      memory: { web1: '12.0 MiB' },
      memoryNote: "PSS of the machine's processes",
      stacks: { tutorial: { failover: '5.0 / 5.5 / 6.0 s', failback: '2.0 / 2.1 / 2.2 s', lost: '0 of 90' } },
    };
    const docker: ProviderFigures = {
      ...netns,
      provider: 'docker',
      describe: 'the Docker provider',
      memory: { web1: '14.0 MiB' },
      memoryNote: "PSS of the container's processes",
      stacks: {},
    };
    expect(comparisonTable([netns, docker]).split('\n')).toEqual([
      '| | netns | docker |',
      '|---|---|---|',
      '| cold up | 20.1 s (base image built) | 20.1 s (base image built) |',
      '| warm up | 1.20 s | 1.20 s |',
      '| first provision | 22.0 s | 22.0 s |',
      '| no-op provision | 0.400 s | 0.400 s |',
      '| memory web1 | 12.0 MiB | 14.0 MiB |',
      '| tutorial: failover min / median / max | 5.0 / 5.5 / 6.0 s | – |',
      '| tutorial: failback min / median / max | 2.0 / 2.1 / 2.2 s | – |',
      '| tutorial: requests lost in failback | 0 of 90 | – |',
      '',
      "netns: the namespace provider; memory is the PSS of the machine's processes",
      "docker: the Docker provider; memory is the PSS of the container's processes",
    ]);
  });
});
