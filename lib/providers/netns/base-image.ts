// The namespace machines' "box": a local package repository filled by the host's own apt (the
// machines have no route out and get no credential), and a Debian bookworm minbase root
// filesystem built from it with mmdebstrap. Both are cached by a hash of their inputs and
// shared read-only by every machine and every lab of this host.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { componentPackages } from '../../../roles/components.ts';
import { renderTemplate } from '../../render/templates.ts';
import { quote } from '../../engine/ssh/shell-quote.ts';
import { run } from './host-command.ts';

/**
 * What every machine has before provisioning: sshd and what our init and Heartbeat's IPaddr need;
 * insserv orders the boot scripts by their dependencies, as on a Debian with sysvinit (keepalived
 * after the syslog daemon that keeps its lines); iptables for lab:link loss where the machine's
 * own iptables must drop the packets (a container, whose network namespace the host may not reach);
 * tcpdump for a client container's captures (the Docker provider's, which no role provisions).
 */
export const BASE_PACKAGES = [
  'apt',
  'openssh-server',
  'iproute2',
  'procps',
  'curl',
  'net-tools',
  'tini',
  'sysvinit-utils',
  'init-system-helpers',
  'insserv',
  'iptables',
  'tcpdump',
];
/**
 * Boot scripts for services of the roles that Debian 12 ships only as systemd units: a namespace
 * machine starts its services from /etc/init.d. Each is inert until its package is installed.
 */
const INIT_SCRIPTS = { rsyslog: 'lib/providers/netns/templates/rsyslog.init.njk' };
/**
 * What the roles install, present in the repository so apt-get works without a route out: every
 * component's packages, every HA stack's included (a lab may switch stacks).
 */
export const ROLE_PACKAGES = componentPackages();

/** A program of the machines' start, by its path in their root (executable). */
export interface MachineInitFile {
  path: string;
  content: string;
}

/** Our init (sshd, then the enabled services) and the boot scripts Debian ships no more. */
export function machineInitFiles(): MachineInitFile[] {
  return [
    {
      path: 'usr/local/sbin/hafarm-init',
      content: renderTemplate('lib/providers/netns/templates/hafarm-init.njk', {}),
    },
    ...Object.entries(INIT_SCRIPTS).map(([name, template]) => ({
      path: `etc/init.d/${name}`,
      content: renderTemplate(template, {}),
    })),
  ];
}
/** Bump when the recipe below changes, so cached images are rebuilt. */
const RECIPE = 3;

export interface BaseImage {
  repo: string;
  rootfs: string;
}

export function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hafarm');
}

function key(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** Debian's Priority: required packages, which mmdebstrap's minbase variant installs. */
async function requiredPackages(): Promise<string[]> {
  let dump = await run('apt-cache', ['dumpavail'], { timeoutMs: 120_000 });
  // A host whose package lists were never fetched (or were cleaned, as in container images).
  if (!dump.includes('\nPriority: required')) {
    await run('apt-get', ['update', '-q'], { timeoutMs: 600_000 });
    dump = await run('apt-cache', ['dumpavail'], { timeoutMs: 120_000 });
  }
  const names = new Set<string>();
  let current = '';
  for (const line of dump.split('\n')) {
    if (line.startsWith('Package: ')) current = line.slice(9).trim();
    else if (line === 'Priority: required' || line === 'Essential: yes') names.add(current);
  }
  names.add('apt');
  return [...names].sort();
}

async function buildRepo(dir: string, packages: string[], progress: (text: string) => void): Promise<void> {
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'debs', 'partial'), { recursive: true });
  writeFileSync(join(work, 'empty-status'), '');
  progress(`downloading ${packages.length} packages and their dependencies with the host's apt`);
  await run(
    'apt-get',
    [
      '-q',
      '-y',
      '-o',
      `Dir::State::status=${join(work, 'empty-status')}`,
      '-o',
      `Dir::Cache::archives=${join(work, 'debs')}`,
      '-o',
      'Debug::NoLocking=1',
      '-o',
      'APT::Install-Recommends=false',
      'install',
      '--download-only',
      ...packages,
    ],
    { timeoutMs: 900_000 },
  );
  rmSync(join(work, 'debs', 'partial'), { recursive: true, force: true });
  progress('indexing the local repository');
  await run('sh', [
    '-c',
    `cd ${quote(join(work, 'debs'))} && apt-ftparchive packages . > Packages && apt-ftparchive -o APT::FTPArchive::Release::Suite=bookworm -o APT::FTPArchive::Release::Codename=bookworm release . > Release`,
  ]);
  renameSync(work, dir);
}

async function buildRootfs(dir: string, repo: string, progress: (text: string) => void): Promise<void> {
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  progress('building the base root filesystem with mmdebstrap (about 20 s)');
  await run(
    'mmdebstrap',
    [
      '--mode=root',
      '--variant=minbase',
      '--quiet',
      `--include=${BASE_PACKAGES.join(',')}`,
      'bookworm',
      work,
      `deb [trusted=yes] copy://${join(repo, 'debs')} ./`,
    ],
    { timeoutMs: 900_000 },
  );
  // Each machine makes its own SSH host keys at first boot.
  for (const file of readdirSync(join(work, 'etc/ssh')))
    if (file.startsWith('ssh_host_')) unlinkSync(join(work, 'etc/ssh', file));
  // apt inside a machine reads the repository bind-mounted at /hafarm-repo.
  writeFileSync(join(work, 'etc/apt/sources.list'), 'deb [trusted=yes] file:/hafarm-repo ./\n');
  for (const file of readdirSync(join(work, 'etc/apt/sources.list.d')))
    unlinkSync(join(work, 'etc/apt/sources.list.d', file));
  mkdirSync(join(work, 'hafarm-repo'), { recursive: true });
  mkdirSync(join(work, 'usr/local/sbin'), { recursive: true });
  for (const file of machineInitFiles()) writeFileSync(join(work, file.path), file.content, { mode: 0o755 });
  renameSync(work, dir);
}

/** Returns the cached image, building what is missing. */
export async function ensureBaseImage(progress: (text: string) => void): Promise<BaseImage> {
  const root = cacheDir();
  mkdirSync(root, { recursive: true, mode: 0o700 });
  // Keyed by what we ask for; Debian's required set is looked up (2 s) only when building.
  const repo = join(root, `repo-${key({ BASE_PACKAGES, ROLE_PACKAGES, RECIPE })}`);
  if (!existsSync(repo)) {
    const packages = [...new Set([...(await requiredPackages()), ...BASE_PACKAGES, ...ROLE_PACKAGES])].sort();
    await buildRepo(repo, packages, progress);
  }
  const init = machineInitFiles().map((file) => file.content);
  const rootfs = join(root, `rootfs-${key({ repo, BASE_PACKAGES, init, RECIPE })}`);
  if (!existsSync(rootfs)) await buildRootfs(rootfs, repo, progress);
  return { repo: join(repo, 'debs'), rootfs };
}

/** The cache's size on disk, in bytes (the images every lab of this host shares). */
export function cacheBytes(dir = cacheDir()): number {
  if (!existsSync(dir)) return 0;
  let bytes = 0;
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else bytes += lstatSync(full).blocks * 512;
    }
  };
  walk(dir);
  return bytes;
}
