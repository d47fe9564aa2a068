// A clean Debian 12 root that holds only what a newcomer has: a minimal Debian (mmdebstrap
// minbase), git, ca-certificates and the Node.js running these tests, with a fresh clone of the
// project. Commands run in it under chroot, in mount and PID namespaces of their own, sharing
// only the host's network (so that apt and npm reach their registries as the host does). When
// the namespace's first process ends, the kernel ends every process started in it: a failed run
// leaves no process behind.
//
// Only the Debian root is cached (a tarball, rebuilt weekly): it is not under test. hafarm's own
// base image, node_modules and everything the README's commands make are built anew every run.
import { spawn, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { PROJECT_DIR } from './cli.ts';

/** What a fresh Debian 12 host has; the mirrors are Debian's own, as a new install sets them. */
const RECIPE = {
  suite: 'bookworm',
  variant: 'minbase',
  include: ['git', 'ca-certificates'],
  mirrors: [
    'deb http://deb.debian.org/debian bookworm main',
    'deb http://deb.debian.org/debian bookworm-updates main',
    'deb http://deb.debian.org/debian-security bookworm-security main',
  ],
  // How this host's apt reaches the archive (a mirror whose Release files may be older than
  // their Valid-Until): the host's own setting, carried over like its network.
  aptopts: ['Acquire::Check-Valid-Until "false"', 'Acquire::Check-Date "false"'],
};

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hafarm-test');
}

/** The year and ISO-like week, so the cached root follows Debian's updates within a week. */
function week(now = new Date()): string {
  const start = Date.UTC(now.getUTCFullYear(), 0, 1);
  return `${now.getUTCFullYear()}w${Math.floor((now.getTime() - start) / (7 * 86_400_000))}`;
}

/** The cached minimal Debian root as a tarball, built with mmdebstrap when missing. */
export function debianRootTarball(log: (line: string) => void): string {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const key = createHash('sha256').update(JSON.stringify(RECIPE)).digest('hex').slice(0, 12);
  const tarball = join(dir, `debian-root-${key}-${week()}.tar`);
  if (existsSync(tarball)) return tarball;
  for (const old of readdirSync(dir)) if (old.startsWith('debian-root-')) rmSync(join(dir, old), { force: true });
  log(`building a minimal Debian ${RECIPE.suite} root with mmdebstrap (cached in ${dir})`);
  const partial = `${tarball}.partial.tar`;
  execFileSync(
    'mmdebstrap',
    [
      '--mode=root',
      `--variant=${RECIPE.variant}`,
      '--quiet',
      `--include=${RECIPE.include.join(',')}`,
      ...RECIPE.aptopts.map((o) => `--aptopt=${o}`),
      RECIPE.suite,
      partial,
      ...RECIPE.mirrors,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 },
  );
  renameSync(partial, tarball);
  return tarball;
}

/** The folder of the npm that runs beside this Node.js (npm is part of a Node.js install). */
function npmDir(): string {
  const cli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  return dirname(dirname(cli));
}

/** Files of the working tree as a commit would have them: tracked and untracked, less the ignored. */
function workingTreeFiles(): { present: string[]; deleted: string[] } {
  const list = (...args: string[]) =>
    execFileSync('git', ['-C', PROJECT_DIR, 'ls-files', '-z', ...args], { encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
  const deleted = new Set(list('--deleted'));
  return {
    present: list('--cached', '--others', '--exclude-standard').filter((f) => !deleted.has(f)),
    deleted: [...deleted],
  };
}

export interface CleanRoot {
  dir: string;
  /** the project's clone inside, as the root sees it */
  project: string;
}

/**
 * Unpacks a fresh root into dir: the Debian root, the running Node.js and its npm, the host's
 * DNS resolver and extra CA certificates (how this host reaches the registries), and a clone of
 * the project with the working tree's changes on top, so that what is tested is what would be committed.
 */
export function makeCleanRoot(dir: string, log: (line: string) => void): CleanRoot {
  const tarball = debianRootTarball(log);
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', tarball, '-C', dir]);
  copyFileSync(process.execPath, join(dir, 'usr/bin/node'));
  cpSync(npmDir(), join(dir, 'usr/lib/node_modules/npm'), { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(dir, 'usr/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(dir, 'usr/bin/npx'));
  writeFileSync(join(dir, 'etc/resolv.conf'), readFileSync('/etc/resolv.conf'));
  writeFileSync(join(dir, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n');
  const extraCas = '/usr/local/share/ca-certificates';
  if (existsSync(extraCas)) cpSync(extraCas, join(dir, extraCas), { recursive: true });
  const project = '/root/hafarm';
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', PROJECT_DIR, join(dir, project)]);
  const { present, deleted } = workingTreeFiles();
  for (const file of present) {
    mkdirSync(dirname(join(dir, project, file)), { recursive: true });
    cpSync(join(PROJECT_DIR, file), join(dir, project, file));
  }
  for (const file of deleted) rmSync(join(dir, project, file), { force: true });
  return { dir, project };
}

/** The environment inside: a login's, plus the variables that say how this host reaches the network. */
function rootEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    HOME: '/root',
    PATH,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    USER: 'root',
    LOGNAME: 'root',
  };
  for (const name of [
    'NODE_EXTRA_CA_CERTS',
    'http_proxy',
    'https_proxy',
    'no_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
  ]) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

/** Mounts of a booted system inside the root, then the script under chroot as root's login would run it. */
const ENTER = `
set -e
R="$1"; shift
# The root a mount point of its own, as / is on a booted host (ip netns needs to remount it).
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount --rbind /dev "$R/dev"
mount -t tmpfs -o mode=755 tmpfs "$R/run"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
exec chroot "$R" /usr/bin/env -i "$@"
`;

export interface RootRun {
  exitCode: number;
  output: string;
}

/**
 * Runs a shell script inside the root, in its own mount and PID namespaces; output goes to
 * logFile as it comes. Ends after timeoutMs; ending it ends every process it started.
 */
export function runInRoot(root: CleanRoot, script: string, logFile: string, timeoutMs: number): Promise<RootRun> {
  const env = Object.entries(rootEnvironment()).map(([k, v]) => `${k}=${v}`);
  const log = createWriteStream(logFile);
  let output = '';
  // --kill-child: if unshare itself is ended, the namespace's first process is killed, and with it every process inside.
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--pid',
      '--fork',
      '--kill-child=SIGKILL',
      '--propagation',
      'private',
      'sh',
      '-c',
      ENTER,
      'enter',
      root.dir,
      ...env,
      'sh',
      '-c',
      script,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      log.end();
      resolve({ exitCode: code ?? (signal ? 128 : -1), output });
    });
  });
}

/** Removes the root; anything still mounted below it (there should be nothing) is unmounted first. */
export function removeCleanRoot(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((t) => t.startsWith(`${dir}/`));
  for (const target of mounts.reverse()) execFileSync('umount', ['-l', target], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
