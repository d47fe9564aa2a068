// A Docker daemon of the tests' own (Debian's docker.io), started so that it changes nothing of
// the host: its own data root, exec root, pid file, socket and (empty) configuration, no iptables
// rules (Docker would set the FORWARD policy to DROP, which cuts the namespace labs' bridged
// traffic), no IP forwarding, no default bridge. Published ports still reach containers through
// docker-proxy. Ended by its PID, its folder removed; a user's own daemon is never touched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestDockerd {
  /** the environment that points the docker command line (and so hafarm) at this daemon */
  env: Record<string, string>;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

function dockerAnswers(env: Record<string, string>): boolean {
  return (
    spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
      timeout: 10_000,
    }).status === 0
  );
}

function ended(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** Starts the daemon and waits until it answers (at most a minute). */
export async function startDockerd(): Promise<TestDockerd> {
  // A short path: the socket's must fit a sockaddr_un (108 bytes).
  const dir = mkdtempSync('/tmp/hfd-');
  const config = join(dir, 'daemon.json');
  writeFileSync(config, '{}\n');
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, 'exec'));
  const socket = join(dir, 'docker.sock');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    'dockerd',
    [
      '--config-file',
      config,
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '--host',
      `unix://${socket}`,
      '--iptables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      '--bridge=none',
      '--log-level=warn',
    ],
    { stdio: ['ignore', log, log], detached: false },
  );
  const env = { DOCKER_HOST: `unix://${socket}` };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await ended(child);
      clearTimeout(timer);
    }
    // What dockerd mounted under its roots is unmounted by its own shutdown; a lazy unmount of
    // anything left keeps rm from reaching into a mount.
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((target) => target.startsWith(`${dir}/`))
      .reverse();
    for (const target of mounts) spawnSync('umount', ['-l', target]);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (!dockerAnswers(env)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const said = readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000);
      await stop();
      throw new Error(`dockerd did not start: ${said}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { env, pid: child.pid!, dir, stop };
}

/**
 * A stand-in for Docker Hub's debian:bookworm, which this machine cannot reach: Debian bookworm's
 * minbase from Debian's archive (mmdebstrap), as Debian's own image is made, imported into the
 * daemon. Its reference.
 */
export async function standInDebianImage(daemon: TestDockerd): Promise<string> {
  const reference = 'hafarm-test/debian:bookworm';
  const { execa } = await import('execa');
  await execa('sh', ['-c', 'mmdebstrap --variant=minbase --quiet bookworm - | docker import - "$0"', reference], {
    env: { ...process.env, ...daemon.env },
    timeout: 600_000,
  });
  return reference;
}
