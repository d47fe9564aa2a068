#!/usr/bin/env node
// The first step of `npm test`: the test suite drives real programs (sshd, sudo, haproxy, nginx,
// heartbeat, keepalived, tcpdump, vagrant, namespaces, mmdebstrap, dockerd), so the host must have
// them. On Debian or Ubuntu as root the missing ones are installed here, as `npm run lab`
// installs what the lab needs; anywhere else the run stops at once with the list and the command
// that installs them.
// Never a test skipped because something is missing: a skip would read as green.
// Shell glue in zx: each command is a $`…` line, and zx quotes every ${value} in it.
import { existsSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { $ } from 'zx';
import { HOST_TOOLS } from '../lib/providers/host-tools.ts';

/** Debian packages the tests drive, beyond the namespace provider's own (host-tools.ts). */
export const TEST_PACKAGES = [
  'vagrant', // vagrant validate of the rendered Vagrantfiles
  'openssh-server',
  'openssh-client',
  'sudo', // the SSH engine against real sshd, as root and as a sudo user
  'haproxy',
  'nginx',
  'heartbeat',
  'keepalived',
  'rsyslog', // haproxy -c, nginx -T, keepalived -t, rsyslogd -N1: the validators of the rendered files
  'git',
  'ca-certificates', // the clean-root test clones the project and fetches packages
  // lab:ssh-config and lab:inventory used by the outside tools themselves: ansible-core (8 MB with
  // its Python modules; "ansible" adds 250 MB of collections the raw module does not need) and
  // testinfra (pulls in pytest)
  'ansible-core',
  'python3-testinfra',
  // the Docker provider's tests start a daemon of their own (test/helpers/dockerd.ts); the
  // policy-rc.d below keeps the package from starting the system's, which would set iptables rules
  'docker.io',
  'chromium', // headless: lab:graph's SVG, the report and lab:open's pages as a browser shows them (graph-render, verify-proves, lab-open)
];
/** A login user with passwordless sudo, for the engine's tests (the Vagrant boxes log in that way). */
export const TEST_USER = 'hafarmci';

/** dpkg-query's line per package (a value, so that zx quotes it: `${…}` is dpkg's, not the shell's). */
const PACKAGE_STATUS = '${Package} ${Status}\\n';

async function installed(packages: string[]): Promise<Set<string>> {
  // dpkg-query exits 1 when a package is unknown; what it says about it is not shown.
  const { stdout } = await $({ nothrow: true, quiet: true })`dpkg-query -W -f ${PACKAGE_STATUS} ${packages}`;
  return new Set(
    stdout
      .split('\n')
      .filter((l) => l.endsWith(' install ok installed'))
      .map((l) => l.split(' ')[0]!),
  );
}

async function userExists(name: string): Promise<boolean> {
  return (await $({ nothrow: true, quiet: true })`id ${name}`).ok;
}

function fail(lines: string[]): never {
  console.error(['npm test: this host cannot run the test suite yet.', ...lines].join('\n'));
  process.exit(1);
}

async function main(): Promise<void> {
  const packages = [...new Set([...Object.values(HOST_TOOLS), ...TEST_PACKAGES])].sort();
  const root = process.platform === 'linux' && process.getuid?.() === 0;
  const apt = existsSync('/usr/bin/apt-get') && existsSync('/usr/bin/dpkg-query');
  const have = apt ? await installed(packages) : new Set<string>();
  const missing = packages.filter((p) => !have.has(p));
  if (!root || !apt) {
    const what = missing.length === 0 ? '' : ` (it installs what is missing: ${missing.join(' ')})`;
    fail([
      `  It needs Linux as root${apt ? '' : ' with apt (Debian or Ubuntu)'}: the tests start sshd, make network namespaces and mount filesystems.`,
      apt ? `  Run it as root: sudo npm test${what}.` : `  The Debian packages it drives: ${packages.join(' ')}.`,
    ]);
  }
  if (missing.length > 0) {
    console.log(`npm test: installing what the tests drive for real: ${missing.join(' ')}`);
    // Installing must not start daemons on this host (nginx would take port 80).
    const policy = '/usr/sbin/policy-rc.d';
    const madePolicy = !existsSync(policy);
    if (madePolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    try {
      // apt-get's output goes to the terminal as it runs.
      const aptGet = $({ stdio: 'inherit', nothrow: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      for (const args of [
        ['update', '-qq'],
        ['install', '-y', '-qq', '--no-install-recommends', ...missing],
      ]) {
        const result = await aptGet`apt-get ${args}`;
        if (result.exitCode !== 0)
          fail([
            `  apt-get ${args.join(' ')} failed (exit ${result.exitCode}); its output is above.`,
            `  The packages the tests need: apt-get install ${missing.join(' ')}`,
          ]);
      }
    } finally {
      if (madePolicy) rmSync(policy, { force: true });
    }
  }
  // useradd and usermod: what they say on stderr is shown, and a failure stops the run (zx throws).
  if (!(await userExists(TEST_USER))) {
    console.log(`npm test: creating ${TEST_USER}, a login user with passwordless sudo for the SSH engine's tests`);
    await $`useradd --create-home --shell /bin/sh ${TEST_USER}`;
  }
  // "*": no password, but not a locked account, which sshd would refuse even with a key (a value,
  // so that zx quotes it: the shell never expands it).
  await $`usermod -p ${'*'} ${TEST_USER}`;
  writeFileSync('/etc/sudoers.d/hafarm-test-user', `${TEST_USER} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  chmodSync('/etc/sudoers.d/hafarm-test-user', 0o440);
  mkdirSync('/run/sshd', { recursive: true });
}

await main();
