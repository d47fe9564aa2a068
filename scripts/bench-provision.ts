// npm run bench:provision: the engine's speed on this machine. Five real sshd on loopback stand
// for the five hosts; a play of 20 tasks (files, templates, blocks, lines, directories, a sysctl
// file, guarded commands) runs once from scratch and once more with nothing to do.
// Options: --root (log in as root instead of a sudo user).
// Prints figures; asserts nothing (targets: no-op re-run of 5 hosts < 0.5 s, one connection per host).
// It needs what npm test's first step prepares (sshd, the sudo user): on a host without it, one
// line says what is missing and what to run. Its sshd and files go at its end, a failure (one
// line), Ctrl-C and SIGTERM (scripts/bench/bench-stop.ts).
import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockInFile, lineInFile } from '../lib/engine/modules/edit-file.ts';
import { file } from '../lib/engine/modules/file.ts';
import { pathState } from '../lib/engine/modules/path-state.ts';
import { shellCommand } from '../lib/engine/modules/shell-command.ts';
import { template } from '../lib/render/template-task.ts';
import { KnownHosts } from '../lib/engine/ssh/known-hosts.ts';
import { loadLab } from '../lib/farm/load-lab.ts';
import type { SshEndpoint } from '../lib/providers/provider.ts';
import type { Play, Role } from '../roles/role-context.ts';
import { runLabPlay, type LabPlayOptions } from '../roles/run-lab-play.ts';
import { SUDO_USER, startSshd, type TestSshd } from '../test/helpers/sshd.ts';
import { benchInChild, benchStop } from './bench/bench-stop.ts';

// The bench runs in a child process of its own (bench-stop.ts): this one only passes signals on.
if (benchInChild(import.meta.url)) await new Promise<never>(() => undefined);

const lab = loadLab(new URL('../lab.yaml', import.meta.url).pathname);
// As on the Vagrant boxes (user vagrant + sudo). --root logs in as root, which on this host
// also pays root's own ~/.bashrc (bash sources it for every SSH session).
const user = process.argv.includes('--root') ? 'root' : SUDO_USER;
const base = `/tmp/hafarm-bench-${randomBytes(4).toString('hex')}`;

const role: Role = {
  name: 'bench',
  tasks: ({ host, lab: l }) => {
    const dir = `${base}/${host.name}`;
    return [
      pathState({ name: 'workdir', path: dir, state: 'directory', mode: '0755' }),
      pathState({ name: 'etc', path: `${dir}/etc`, state: 'directory', mode: '0755' }),
      pathState({ name: 'www', path: `${dir}/www`, state: 'directory', mode: '0755' }),
      ...Array.from({ length: 8 }, (_, i) =>
        file({
          name: `file ${i}`,
          path: `${dir}/etc/file${i}.conf`,
          content: `# ${host.name} ${i}\n`.repeat(20),
          mode: i % 2 ? '0600' : '0644',
        }),
      ),
      template({
        name: 'template',
        path: `${dir}/Vagrantfile`,
        src: 'lib/providers/vagrant/templates/Vagrantfile.njk',
        vars: {
          source: 'lab.yaml',
          lab: l.name,
          prefix: `${l.name}-`,
          box: l.box.name,
          lan: { name: 'lan', cidr: '192.168.1.0/24' },
          heartbeat: { name: 'hb', cidr: '10.100.100.0/24' },
          machines: [],
        },
      }),
      blockInFile({
        name: 'hosts block',
        path: `${dir}/etc/hosts`,
        marker: 'hafarm bench',
        block: l.hosts.map((h) => `${h.lan} ${h.name}`).join('\n'),
      }),
      blockInFile({
        name: 'second block',
        path: `${dir}/etc/hosts`,
        marker: 'hafarm bench 2',
        block: `${l.vip.address} ${l.vip.name}`,
      }),
      lineInFile({
        name: 'sysctl file line',
        path: `${dir}/etc/sysctl.conf`,
        line: 'net.ipv4.ip_nonlocal_bind = 1',
        regexp: /^net\.ipv4\.ip_nonlocal_bind/,
      }),
      lineInFile({ name: 'default line', path: `${dir}/etc/default`, line: 'ENABLED=1', regexp: /^ENABLED=/ }),
      file({ name: 'page', path: `${dir}/www/index.html`, content: `Bienvenido a nginx! (${host.name})\n` }),
      shellCommand({ name: 'guarded command', cmd: `touch ${dir}/initialized`, creates: `${dir}/initialized` }),
      shellCommand({ name: 'probe command', cmd: `cat ${dir}/www/index.html`, changedWhen: () => false }),
    ];
  },
};

/** What this host lacks for the bench, in words; none once npm test's first step (scripts/prepare-test-host.ts) ran. */
function unprepared(): string[] {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return ['Linux and root (it starts sshd)'];
  const missing: string[] = [];
  if (!existsSync('/usr/sbin/sshd')) missing.push('openssh-server');
  if (!existsSync('/usr/bin/ssh-keygen')) missing.push('openssh-client');
  if (user !== 'root') {
    if (!existsSync('/usr/bin/sudo')) missing.push('sudo');
    if (spawnSync('id', [user], { stdio: 'ignore' }).status !== 0 || !existsSync('/etc/sudoers.d/hafarm-test-user'))
      missing.push(`the login user ${user} with passwordless sudo`);
  }
  return missing;
}

const servers: TestSshd[] = [];
let state = '';
const stop = benchStop('bench:provision', 'its sshd and files');

async function cleanUp(): Promise<void> {
  for (const server of servers.splice(0)) await server.stop();
  if (state) rmSync(state, { recursive: true, force: true });
  execFileSync('rm', ['-rf', base]);
}

async function main(): Promise<void> {
  state = mkdtempSync(join(tmpdir(), 'hafarm-bench-state-'));
  for (const _ of lab.hosts) servers.push(await stop.hostStep(() => startSshd()));
  const endpoints = new Map<string, SshEndpoint>(lab.hosts.map((h, i) => [h.name, servers[i]!.endpoint(h.name, user)]));
  const playbook: Play[] = [{ hosts: 'all', roles: [role] }];
  const options: LabPlayOptions = {
    check: false,
    diff: false,
    limit: [],
    tags: [],
    forks: lab.hosts.length,
    knownHosts: new KnownHosts(join(state, 'known_hosts')),
    secrets: { heartbeatAuthkey: 'x', statsPassword: 'y' },
  };
  const tasks = role.tasks({
    lab,
    host: lab.hosts[0]!,
    facts: {
      os: { id: '', versionId: '', prettyName: '' },
      init: 'sysv',
      hostname: '',
      interfaces: [],
      packages: new Map(),
    },
    secrets: options.secrets,
  }).length;
  console.log(
    `bench:provision — ${lab.hosts.length} hosts (one sshd each on loopback, login ${user}), ${tasks} tasks per host, forks ${options.forks}`,
  );
  const timed = async (label: string) => {
    const start = performance.now();
    const failures: string[] = [];
    const outcome = await runLabPlay(lab, playbook, endpoints, options, (e) => {
      if (e.type === 'task-result' && e.result.status === 'failed')
        failures.push(`${e.host} ${e.task}: ${e.result.message}`);
      if (e.type === 'host-unreachable') failures.push(`${e.host}: ${e.message}`);
    });
    const seconds = (performance.now() - start) / 1000;
    const changed = [...outcome.recap.values()].reduce((n, s) => n + s.changed, 0);
    const failed = [...outcome.recap.values()].reduce((n, s) => n + s.failed + s.unreachable, 0);
    const connections = [...outcome.connections.values()];
    if (failures.length > 0) console.log(failures.slice(0, 3).join('\n'));
    console.log(
      `${label.padEnd(18)} ${seconds.toFixed(3)} s   changed=${changed} failed=${failed}   SSH connections per host: ${[...new Set(connections)].join('/')}`,
    );
  };
  await timed('first run');
  await timed('no-op re-run');
  await timed('no-op re-run');
  console.log(
    'targets: no-op re-run of 5 hosts under 0.5 s (ansible-playbook: 8–11 s); exactly one connection per host per run',
  );
}

const missing = unprepared();
if (missing.length > 0) {
  console.error(
    `bench:provision: this host is not prepared for it (missing: ${missing.join(', ')}); run npm test's first step as root, which installs and makes them: npx tsx scripts/prepare-test-host.ts`,
  );
  process.exitCode = 1;
} else await stop.run(main, cleanUp);
