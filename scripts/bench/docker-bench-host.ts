// The Docker provider on this host, as its end-to-end test runs it: a Docker daemon of the
// bench's own (Debian's docker.io with its own roots and socket, no iptables rules, no IP
// forwarding: test/helpers/dockerd.ts), ended by its PID at the end, and a cache of the bench's
// own, so a cold up builds the namespace root and imports it into a daemon that has no image.
// Memory is the PSS of the container's processes (docker top gives their PIDs on this host).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerNames } from '../../lib/providers/docker/names.ts';
import { startDockerd, type TestDockerd } from '../../test/helpers/dockerd.ts';
import { pssMiB, type BenchHost } from './bench-host.ts';

export function dockerBenchHost(): BenchHost {
  const cache = mkdtempSync(join(tmpdir(), 'hafarm-bench-cache-'));
  const previous = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, DOCKER_HOST: process.env.DOCKER_HOST };
  process.env.XDG_CACHE_HOME = cache;
  let daemon: TestDockerd | undefined;
  return {
    describe: 'the Docker provider (Docker Engine 20.10, a daemon of the bench’s own)',
    labText: (tutorial) => tutorial.replace(/^name: \w+$/m, 'name: bench'),
    async prepare(log) {
      daemon = await startDockerd();
      process.env.DOCKER_HOST = daemon.env.DOCKER_HOST;
      log(`a Docker daemon of the bench's own, PID ${daemon.pid}`);
    },
    async forgetCache() {
      rmSync(join(cache, 'hafarm'), { recursive: true, force: true });
      for (const image of execFileSync('docker', ['image', 'ls', '-q'], { encoding: 'utf8' }).split('\n'))
        if (image) execFileSync('docker', ['image', 'rm', '-f', image], { stdio: 'ignore' });
      return 'root built and imported';
    },
    afterUp: async () => undefined,
    memoryMiB(lab, host) {
      const pids = execFileSync('docker', ['top', dockerNames(lab).container(host), '-eo', 'pid'], {
        encoding: 'utf8',
      })
        .split('\n')
        .slice(1)
        .map((line) => Number(line.trim()))
        .filter((pid) => pid > 0);
      return pssMiB(pids, (path) => readFileSync(path, 'utf8'));
    },
    memoryNote: "PSS of the container's processes",
    rounds: 10,
    async cleanup() {
      await daemon?.stop();
      await rm(cache, { recursive: true, force: true });
      for (const [name, value] of Object.entries(previous))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    },
  };
}
