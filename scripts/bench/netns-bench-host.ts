// The namespace provider on this host: a cache of the bench's own (so a cold up really builds
// the base image, and the user's cache is never touched), packages from the provider's own
// repository, memory as the PSS of every process inside the machine's namespace.
// Shell glue in zx: its one command is a $.sync`…` line (zx quotes the namespace's name).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { netnsNames } from '../../lib/providers/netns/names.ts';
import { pssMiB, type BenchHost } from './bench-host.ts';
import { namespaceProbe } from './vip-probe.ts';

export function netnsBenchHost(): BenchHost {
  const cache = mkdtempSync(join(tmpdir(), 'hafarm-bench-cache-'));
  const previous = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache;
  return {
    describe: 'the namespace provider',
    labText: (tutorial) => tutorial.replace(/^name: \w+$/m, 'name: bench'),
    prepare: async () => undefined,
    async forgetCache() {
      rmSync(join(cache, 'hafarm'), { recursive: true, force: true });
      return 'base image built';
    },
    afterUp: async () => undefined,
    memoryMiB(lab, host) {
      // $.sync: memoryMiB is synchronous (bench.ts reads it in a map). ip's stderr is shown; its failure
      // is thrown here: zx 8.8.5's $.sync returns a failed command's output (and rejects a promise nobody holds).
      const ip = $.sync({ nothrow: true })`ip netns pids ${netnsNames(lab).namespace(host)}`;
      if (!ip.ok) throw ip;
      const pids = ip.stdout.split('\n').filter(Boolean).map(Number);
      return pssMiB(pids, (path) => readFileSync(path, 'utf8'));
    },
    memoryNote: "PSS of the machine's processes",
    probe: (lab) => namespaceProbe(lab, netnsNames(lab).clientNamespace),
    rounds: 10,
    async cleanup() {
      // not rmSync: a signal to the bench is heard while the cache goes (bench-stop.ts)
      await rm(cache, { recursive: true, force: true });
      if (previous === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = previous;
    },
  };
}
