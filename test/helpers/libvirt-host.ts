// The host side of the real-VM test (issue 13): what vagrant-libvirt needs on a Debian host,
// installed and started by the test itself, as npm test's first step does for the rest.
//
// - Debian packages: vagrant, vagrant-libvirt, libvirt, QEMU (and what the box builder uses),
//   installed with apt-get where missing, with a policy-rc.d so that no daemon starts on its own.
// - libvirtd and virtlogd: where no init system runs them (systemd is not PID 1 on CI's machines)
//   the test starts them as daemons and records their PIDs (with their start times, so that a
//   recycled PID is never taken for ours); stopLibvirtDaemons() ends only those.
// - A `dir` storage pool and a management network of the test's own (test-prefixed names), which
//   the test box's Vagrantfile names: libvirt's `default` pool and vagrant-libvirt's NAT
//   management network are not used. The management network is isolated (no <forward>): the
//   machines reach the host's address on it (SSH from vagrant, DHCP, the package repository the
//   test serves) and nothing else; DNS is off on it.
//
// Shell glue in zx: each command is a $.sync`…` line, and zx quotes every ${value} in it.
// Synchronous because the real-VM test and the bench call these functions without awaiting them.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { $ } from 'zx';

/** What the real-VM test drives on the host, beyond npm test's own packages. */
export const LIBVIRT_TEST_PACKAGES = [
  'vagrant',
  'vagrant-libvirt', // the product's libvirt provider
  'libvirt-daemon-system',
  'libvirt-clients',
  'dnsmasq-base',
  'iptables', // libvirtd, virsh, DHCP and the network filters of libvirt's networks
  'qemu-system-x86',
  'qemu-utils', // the machines, under QEMU (KVM or its emulation)
  'mmdebstrap',
  'fdisk',
  'e2fsprogs',
  'apt-utils', // the box builder (libvirt-box.ts) and the package repository served to the machines
  'iproute2',
  'tcpdump', // the host's routes (the management network must not clash), reading back lab:capture's pcap
];

/** Names of everything the test sets up on the host; all begin with "hafarm-test". */
export const TEST_POOL = { name: 'hafarm-test', path: '/var/lib/libvirt/hafarm-test-pool' };
export const TEST_MGMT_NETWORK = {
  name: 'hafarm-test-mgmt',
  bridge: 'hftmgmt0',
  hostAddress: '10.254.213.1',
  prefix: 24,
  cidr: '10.254.213.0/24',
};

/** Where the test records the daemons it started (gone at the next boot, as they are). */
const STARTED_FILE = '/run/hafarm-test-libvirt/started.json';

const DAEMONS = [
  // virtlogd first: libvirtd's QEMU driver writes the machines' logs through it.
  { name: 'virtlogd', binary: '/usr/sbin/virtlogd', pidFile: '/run/virtlogd.pid' },
  { name: 'libvirtd', binary: '/usr/sbin/libvirtd', pidFile: '/run/libvirtd.pid' },
] as const;

interface StartedDaemon {
  name: string;
  pid: number;
  /** field 22 of /proc/PID/stat: tells our process from a later one that reuses its PID */
  startTime: string;
}

/**
 * $.sync for a command whose output the code reads: stdin closed, stdout and stderr kept and not
 * shown, a failure returned (never thrown), and a time limit. The limit is spawnSync's own
 * (node:child_process): zx 8.8.5's $.sync does not apply zx's `timeout` (it arms the timer after
 * spawnSync has returned).
 */
function sh(timeoutMs = 120_000, env = process.env) {
  const spawnSyncWithin = ((file: string, args: readonly string[], options: SpawnSyncOptions) =>
    spawnSync(file, args, { ...options, timeout: timeoutMs })) as typeof spawnSync;
  return $.sync({ nothrow: true, quiet: true, stdio: ['ignore', 'pipe', 'pipe'], env, spawnSync: spawnSyncWithin });
}

/** A command that must succeed (within 2 minutes): its stdout, else an error with what it said. */
function must(pieces: TemplateStringsArray, ...values: unknown[]): string {
  const result = sh()(pieces, ...values);
  // The command as the message shows it: the values as given (zx quoted them in the command it ran).
  const command = pieces.reduce((text, piece, i) => `${text}${[values[i - 1]].flat().join(' ')}${piece}`);
  // Exit -1: ended by a signal (its time limit).
  if (result.exitCode !== 0)
    throw new Error(`${command} failed (exit ${result.exitCode ?? -1}): ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

/** dpkg-query's line per package (a value, so that zx quotes it: `${…}` is dpkg's, not the shell's). */
const PACKAGE_STATUS = '${Package} ${Status}\\n';

function installedPackages(packages: string[]): Set<string> {
  const { stdout } = sh()`dpkg-query -W -f ${PACKAGE_STATUS} ${packages}`;
  return new Set(
    stdout
      .split('\n')
      .filter((l) => l.endsWith(' install ok installed'))
      .map((l) => l.split(' ')[0]!),
  );
}

/** Installs what is missing; returns the packages it installed. */
export function installLibvirtPackages(log: (line: string) => void): string[] {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      'the real-VM test needs a Debian host as root (it installs libvirt, QEMU and vagrant with apt-get)',
    );
  }
  const have = installedPackages(LIBVIRT_TEST_PACKAGES);
  const missing = LIBVIRT_TEST_PACKAGES.filter((p) => !have.has(p));
  if (missing.length === 0) return [];
  log(`installing with apt-get: ${missing.join(' ')}`);
  const policy = '/usr/sbin/policy-rc.d';
  const madePolicy = !existsSync(policy);
  // Installing must not start daemons (libvirtd would start its default NAT network).
  if (madePolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const hadDefaultNetwork = existsSync('/etc/libvirt/qemu/networks/default.xml');
  try {
    const aptGet = sh(1_200_000, { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', ...missing],
    ]) {
      const result = aptGet`apt-get ${args}`;
      if (result.exitCode !== 0)
        throw new Error(
          `apt-get ${args.join(' ')} failed (exit ${result.exitCode}):\n${(result.stderr || result.stdout).slice(-3000)}`,
        );
    }
  } finally {
    if (madePolicy) rmSync(policy, { force: true });
  }
  // libvirt-daemon-config-network defines a NAT network "default" that libvirtd would start at
  // once (a host address, masquerading, ip_forward on). The test does not use it: when this
  // install put it there, it is not autostarted.
  const autostart = '/etc/libvirt/qemu/networks/autostart/default.xml';
  if (!hadDefaultNetwork && existsSync(autostart)) {
    rmSync(autostart);
    log('libvirt\'s "default" NAT network, just installed, is not autostarted (the test does not use it)');
  }
  return missing;
}

function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function procExe(pid: number): string | undefined {
  const result = sh()`readlink ${`/proc/${pid}/exe`}`;
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

function readStarted(): StartedDaemon[] {
  if (!existsSync(STARTED_FILE)) return [];
  return JSON.parse(readFileSync(STARTED_FILE, 'utf8')) as StartedDaemon[];
}

function writeStarted(daemons: StartedDaemon[]): void {
  mkdirSync(dirname(STARTED_FILE), { recursive: true });
  writeFileSync(STARTED_FILE, JSON.stringify(daemons, null, 2));
}

/** The PID in a daemon's pid file when that process is alive and is that daemon. */
function runningPid(daemon: (typeof DAEMONS)[number]): number | undefined {
  if (!existsSync(daemon.pidFile)) return undefined;
  const pid = Number(readFileSync(daemon.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return procExe(pid) === daemon.binary ? pid : undefined;
}

/** The daemons this helper started that still run (same PID, same start time). */
export function startedDaemons(): StartedDaemon[] {
  return readStarted().filter((d) => procStartTime(d.pid) === d.startTime);
}

export function libvirtAnswers(): boolean {
  return sh(30_000)`virsh --connect qemu:///system version`.exitCode === 0;
}

/**
 * libvirtd and virtlogd running: those an init system (or anyone) already runs are used as they
 * are; the missing ones are started here as daemons and recorded.
 */
export function startLibvirtDaemons(log: (line: string) => void): StartedDaemon[] {
  const started = startedDaemons();
  for (const daemon of DAEMONS) {
    if (runningPid(daemon) !== undefined) continue;
    log(`starting ${daemon.name} (no init system runs it here)`);
    must`${daemon.binary} --daemon`;
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      pid = runningPid(daemon);
      if (pid === undefined) $.sync`sleep 0.1`;
    }
    if (pid === undefined) throw new Error(`${daemon.name} --daemon did not write ${daemon.pidFile}`);
    started.push({ name: daemon.name, pid, startTime: procStartTime(pid)! });
    writeStarted(started);
  }
  for (let i = 0; i < 100 && !libvirtAnswers(); i++) $.sync`sleep 0.2`;
  if (!libvirtAnswers()) throw new Error('libvirtd runs but `virsh --connect qemu:///system version` does not answer');
  return started;
}

/** Ends the daemons this helper started (by PID, SIGTERM then SIGKILL), and only those. */
export function stopLibvirtDaemons(log: (line: string) => void): void {
  // libvirtd before virtlogd, the reverse of their start.
  const ours = startedDaemons().reverse();
  for (const daemon of ours) {
    log(`stopping ${daemon.name} (PID ${daemon.pid}), which the test started`);
    try {
      process.kill(daemon.pid, 'SIGTERM');
    } catch {
      continue;
    }
    for (let i = 0; i < 100 && procStartTime(daemon.pid) === daemon.startTime; i++) $.sync`sleep 0.1`;
    if (procStartTime(daemon.pid) === daemon.startTime) process.kill(daemon.pid, 'SIGKILL');
  }
  writeStarted([]);
}

function virsh(...args: string[]): string {
  return must`virsh --connect qemu:///system -q ${args}`;
}

function virshOk(...args: string[]): boolean {
  return sh()`virsh --connect qemu:///system -q ${args}`.exitCode === 0;
}

/** The test's own `dir` storage pool, defined and started when missing. Kept between runs: the box's image lives in it. */
export function ensureTestPool(log: (line: string) => void): void {
  if (!virshOk('pool-info', TEST_POOL.name)) {
    log(`defining the storage pool ${TEST_POOL.name} (${TEST_POOL.path})`);
    mkdirSync(TEST_POOL.path, { recursive: true, mode: 0o711 });
    virsh('pool-define-as', TEST_POOL.name, 'dir', '--target', TEST_POOL.path);
  }
  if (!/^State:\s+running$/m.test(virsh('pool-info', TEST_POOL.name))) virsh('pool-start', TEST_POOL.name);
  virsh('pool-refresh', TEST_POOL.name);
}

/** Host routes' destinations in the management network's /16, which it must not clash with. */
function clashingRoutes(): string[] {
  const routes = JSON.parse(must`ip -j route show table all`) as Array<{ dst?: string; dev?: string }>;
  const [a, b, c] = TEST_MGMT_NETWORK.hostAddress.split('.');
  return routes
    .filter((r) => r.dst?.startsWith(`${a}.${b}.${c}.`) && r.dev !== TEST_MGMT_NETWORK.bridge)
    .map((r) => `${r.dst} dev ${r.dev}`);
}

export function mgmtNetworkXml(): string {
  const { name, bridge, hostAddress, cidr } = TEST_MGMT_NETWORK;
  const base = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
  // No <forward>: isolated, the machines reach the host's address only. No DNS: nothing to ask.
  return `<network>
  <name>${name}</name>
  <bridge name='${bridge}' stp='on' delay='0'/>
  <dns enable='no'/>
  <ip address='${hostAddress}' netmask='255.255.255.0'>
    <dhcp>
      <range start='${base}.10' end='${base}.250'/>
    </dhcp>
  </ip>
</network>
`;
}

/** The test's management network, defined and started when missing. */
export function ensureMgmtNetwork(log: (line: string) => void): void {
  if (!virshOk('net-info', TEST_MGMT_NETWORK.name)) {
    const clash = clashingRoutes();
    if (clash.length > 0)
      throw new Error(
        `the test's management network ${TEST_MGMT_NETWORK.cidr} clashes with host routes: ${clash.join(', ')}`,
      );
    log(
      `defining the management network ${TEST_MGMT_NETWORK.name} (${TEST_MGMT_NETWORK.cidr}, isolated, host ${TEST_MGMT_NETWORK.hostAddress})`,
    );
    const file = join('/run/hafarm-test-libvirt', `${TEST_MGMT_NETWORK.name}.xml`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, mgmtNetworkXml());
    virsh('net-define', file);
  }
  if (!/^Active:\s+yes$/m.test(virsh('net-info', TEST_MGMT_NETWORK.name))) virsh('net-start', TEST_MGMT_NETWORK.name);
}

/** Removes the test's management network (and with it the dnsmasq libvirt ran for it). */
export function removeMgmtNetwork(): void {
  if (!virshOk('net-info', TEST_MGMT_NETWORK.name)) return;
  virshOk('net-destroy', TEST_MGMT_NETWORK.name);
  virshOk('net-undefine', TEST_MGMT_NETWORK.name);
}

const RUN_FILE = '/run/hafarm-test-libvirt/run.json';

/**
 * One test:vms run at a time on a host: they share the management network, the repository's
 * port and the daemons one of them started (and stops at its end). Throws when another live run
 * holds the host.
 */
export function claimHost(): void {
  if (existsSync(RUN_FILE)) {
    const other = JSON.parse(readFileSync(RUN_FILE, 'utf8')) as { pid: number; startTime: string };
    if (other.pid !== process.pid && procStartTime(other.pid) === other.startTime) {
      throw new Error(
        `another test:vms run (PID ${other.pid}) is using this host's libvirt test setup: wait for it to end`,
      );
    }
  }
  mkdirSync(dirname(RUN_FILE), { recursive: true });
  writeFileSync(RUN_FILE, JSON.stringify({ pid: process.pid, startTime: procStartTime(process.pid) }));
}

export function releaseHost(): void {
  if (!existsSync(RUN_FILE)) return;
  const holder = JSON.parse(readFileSync(RUN_FILE, 'utf8')) as { pid: number };
  if (holder.pid === process.pid) rmSync(RUN_FILE, { force: true });
}

/** Everything above, in order: the host ready for `vagrant up --provider libvirt`. */
export function prepareLibvirtHost(log: (line: string) => void): void {
  installLibvirtPackages(log);
  startLibvirtDaemons(log);
  ensureTestPool(log);
  ensureMgmtNetwork(log);
}

/** Domains, networks and pool volumes whose names begin with prefix. */
export function libvirtResources(prefix: string): { domains: string[]; networks: string[]; volumes: string[] } {
  const names = (out: string) =>
    out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith(prefix));
  return {
    domains: names(virsh('list', '--all', '--name')),
    networks: names(virsh('net-list', '--all', '--name')),
    volumes: virshOk('pool-info', TEST_POOL.name)
      ? names(
          virsh('vol-list', TEST_POOL.name)
            .split('\n')
            .map((l) => l.trim().split(/\s+/)[0] ?? '')
            .join('\n'),
        )
      : [],
  };
}

/** Removes whatever domain, network or pool volume of a lab's prefix is left (after a failed destroy). */
export function removeLibvirtLeftovers(prefix: string): void {
  const left = libvirtResources(prefix);
  for (const domain of left.domains) {
    virshOk('destroy', domain);
    virshOk('undefine', domain, '--remove-all-storage');
  }
  for (const network of left.networks) {
    virshOk('net-destroy', network);
    virshOk('net-undefine', network);
  }
  for (const volume of libvirtResources(prefix).volumes) virshOk('vol-delete', volume, '--pool', TEST_POOL.name);
}
