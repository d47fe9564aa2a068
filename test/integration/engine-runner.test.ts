// The runner against real sshd: converge twice, check mode, --limit and --tags, one connection
// per host, and the ways a run goes wrong: a command that times out, a connection dropped
// mid-run, a changed host key, an unreachable host among reachable ones, a failing validator,
// handlers notified before a failure.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { file } from '../../lib/engine/modules/file.ts';
import { blockInFile } from '../../lib/engine/modules/edit-file.ts';
import { shellCommand } from '../../lib/engine/modules/shell-command.ts';
import { runPlay, type PlayEvent, type PlayOptions } from '../../lib/engine/run-play.ts';
import type { InventoryHost } from '../../lib/engine/inventory.ts';
import type { Play as EnginePlay, Role as EngineRole } from '../../lib/engine/role.ts';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import { SshConnection } from '../../lib/engine/ssh/ssh-connection.ts';
import type { Task } from '../../lib/engine/task.ts';
import { loadLab } from '../../lib/farm/load-lab.ts';
import type { Lab } from '../../lib/lab/model.ts';
import type { SshEndpoint } from '../../lib/providers/provider.ts';
import { labInventory } from '../../roles/lab-inventory.ts';
import { TUTORIAL_LAB, scratchDir } from '../helpers/cli.ts';
import { freePort, startSshd, SUDO_USER, type TestSshd } from '../helpers/sshd.ts';

const lab = loadLab(TUTORIAL_LAB);

/** What the test's roles are given: any context will do; this one is the lab and the host. */
interface TestContext {
  lab: Lab;
  host: InventoryHost;
}
type Role = EngineRole<TestContext>;
type Play = EnginePlay<TestContext>;
const scratch = scratchDir('runner');
let sshd: TestSshd;
let root: string;

beforeAll(async () => {
  sshd = await startSshd();
  root = `/tmp/hafarm-runner-${randomBytes(4).toString('hex')}`;
});
afterAll(async () => {
  const { execFileSync } = await import('node:child_process');
  execFileSync('rm', ['-rf', root]);
  await sshd?.stop();
  scratch.remove();
});

/** Drops every connection to the test sshd; a process may end while we go through the list. */
function killSessions(): void {
  for (const pid of sshd.sessionPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function endpoints(user = SUDO_USER, overrides: Record<string, Partial<SshEndpoint>> = {}): Map<string, SshEndpoint> {
  return new Map(lab.hosts.map((h) => [h.name, { ...sshd.endpoint(h.name, user), ...overrides[h.name] }]));
}

function options(overrides: Partial<PlayOptions> = {}): PlayOptions {
  return {
    check: false,
    diff: false,
    limit: [],
    tags: [],
    forks: 5,
    knownHosts: new KnownHosts(join(scratch.dir, `known_hosts-${randomBytes(3).toString('hex')}`)),
    ...overrides,
  };
}

async function play(playbook: Play[], opts: PlayOptions, eps = endpoints()) {
  const events: PlayEvent[] = [];
  const outcome = await runPlay(
    labInventory(lab),
    playbook,
    (host) => ({ lab, host }),
    eps,
    opts,
    (e) => events.push(e),
  );
  return { ...outcome, events, results: events.filter((e) => e.type === 'task-result') };
}

/** A role that writes a few files under root/<host>/, like the tutorial's roles write /etc. */
function filesRole(dir: string): Role {
  return {
    name: 'files',
    tasks: ({ host, lab: l }) => [
      shellCommand({
        name: 'T0 workdir',
        cmd: `mkdir -p ${dir}/${host.name}`,
        creates: `${dir}/${host.name}`,
        tags: ['T0'],
      }),
      file({
        name: 'T5 ha.cf-like file',
        path: `${dir}/${host.name}/ha.cf`,
        content: `node ${host.name}\ndeadtime ${l.heartbeat.deadtime}\n`,
        tags: ['heartbeat'],
      }),
      blockInFile({
        name: 'T2 hosts block',
        path: `${dir}/${host.name}/hosts`,
        marker: 'hafarm',
        block: l.hosts.map((h) => `${h.lan} ${h.name}`).join('\n'),
      }),
      file({
        name: 'T10 page',
        path: `${dir}/${host.name}/index.html`,
        content: `Bienvenido a nginx! (${host.name})\n`,
        tags: ['nginx'],
      }),
    ],
  };
}

describe('converging', () => {
  it('changes on the first run, nothing on the second, over one connection per host', async () => {
    const dir = `${root}/converge`;
    const playbook: Play[] = [{ hosts: 'all', roles: [filesRole(dir)] }];
    const opts = options();
    const first = await play(playbook, opts);
    for (const [host, stats] of first.recap) {
      expect(stats, host).toEqual({ ok: 4, changed: 4, unreachable: 0, failed: 0, skipped: 0 });
    }
    const second = await play(playbook, opts);
    for (const [host, stats] of second.recap) {
      expect(stats, host).toEqual({ ok: 4, changed: 0, unreachable: 0, failed: 0, skipped: 0 });
      expect(second.connections.get(host)).toBe(1);
    }
  });

  it('a run that changes nothing makes three round trips per host: facts, the files and the reads its tasks declared', async () => {
    const dir = `${root}/trips`;
    const reader: Task = {
      name: 'reads',
      reads: () => ['uname -s', 'echo $((6*7))'],
      run: async (ctx) =>
        (await ctx.reads.run('echo $((6*7))')).stdout === '42\n' && (await ctx.reads.run('uname -s')).code === 0
          ? { status: 'ok' }
          : { status: 'failed', message: 'read wrong' },
    };
    const playbook: Play[] = [{ hosts: 'all', roles: [filesRole(dir), { name: 'reader', tasks: () => [reader] }] }];
    await play(playbook, options());
    const trips = new Map<string, number>();
    const counting = (target: SshEndpoint) => {
      const connection = new SshConnection(target, {
        knownHosts: new KnownHosts(join(scratch.dir, 'known_hosts-trips')),
      });
      const exec = connection.exec.bind(connection);
      connection.exec = (command, execOptions) => (
        trips.set(target.host, (trips.get(target.host) ?? 0) + 1),
        exec(command, execOptions)
      );
      return connection;
    };
    const second = await play(playbook, options({ connectionFor: counting }));
    for (const [host, stats] of second.recap) expect(stats, host).toMatchObject({ changed: 0, failed: 0 });
    expect(Object.fromEntries(trips)).toEqual(Object.fromEntries(lab.hosts.map((h) => [h.name, 3])));
  });

  it('check mode reports the changes and makes none', async () => {
    const dir = `${root}/check`;
    const playbook: Play[] = [{ hosts: 'all', roles: [filesRole(dir)] }];
    const checked = await play(playbook, options({ check: true, diff: true }));
    const web1 = checked.results.filter((e) => e.type === 'task-result' && e.host === 'web1');
    expect(web1.map((e) => e.type === 'task-result' && e.result.status)).toEqual([
      'skipped',
      'changed',
      'changed',
      'changed',
    ]);
    const probe = await play(
      [
        {
          hosts: 'all',
          roles: [{ name: 'probe', tasks: () => [shellCommand({ name: 'exists?', cmd: `test ! -e ${dir}` })] }],
        },
      ],
      options({ limit: ['web1'] }),
    );
    expect(probe.recap.get('web1')?.failed).toBe(0);
  });

  it('--limit runs only the named hosts and --tags only the tagged tasks', async () => {
    const dir = `${root}/limit`;
    const playbook: Play[] = [{ hosts: 'all', roles: [filesRole(dir)] }];
    const limited = await play(playbook, options({ limit: ['haproxy2', 'web3'], tags: ['nginx', 'T0'] }));
    expect([...limited.recap.keys()]).toEqual(['haproxy2', 'web3']);
    const names = limited.results.map((e) => e.type === 'task-result' && `${e.host}:${e.task}`);
    expect(names.sort()).toEqual(['haproxy2:T0 workdir', 'haproxy2:T10 page', 'web3:T0 workdir', 'web3:T10 page']);
  });

  it("gives a host's tasks what its selected tasks install, less what any of them removes, before the first runs", async () => {
    const seen = new Map<string, string[]>();
    const declares = (name: string, decl: Pick<Task, 'installs' | 'removes' | 'tags'>): Task => ({
      name,
      ...decl,
      run: async (ctx) => (
        seen.set(`${ctx.remote.host}:${name}`, [...ctx.run.packagesToInstall].sort()),
        { status: 'ok' }
      ),
    });
    const playbook: Play[] = [
      {
        hosts: 'all',
        roles: [
          {
            name: 'first',
            tasks: () => [
              declares('probe', { tags: ['probe'] }),
              declares('removes b', { removes: ['b'], tags: ['probe'] }),
            ],
          },
        ],
      },
      {
        hosts: 'balancers',
        roles: [
          {
            name: 'stack',
            tasks: () => [
              declares('installs a, b', { installs: ['a', 'b'], tags: ['probe'] }),
              declares('untagged c', { installs: ['c'] }),
            ],
          },
        ],
      },
      {
        hosts: 'web',
        roles: [{ name: 'web', tasks: () => [declares('installs d', { installs: ['d'], tags: ['probe'] })] }],
      },
    ];
    await play(playbook, options({ tags: ['probe'], limit: ['haproxy1', 'web1'] }));
    expect(seen.get('haproxy1:probe')).toEqual(['a']);
    expect(seen.get('web1:probe')).toEqual(['d']);
  });

  it('maps host groups to roles in order', async () => {
    const seen: string[] = [];
    const marker = (name: string): Role => ({
      name,
      tasks: ({ host }) => [
        { name: `${name} on ${host.name}`, run: async () => (seen.push(`${host.name}:${name}`), { status: 'ok' }) },
      ],
    });
    await play(
      [
        { hosts: 'all', roles: [marker('network'), marker('hosts')] },
        { hosts: 'balancers', roles: [marker('heartbeat')] },
        { hosts: 'web', roles: [marker('nginx')] },
      ],
      options(),
    );
    expect(seen.filter((s) => s.startsWith('haproxy1:'))).toEqual([
      'haproxy1:network',
      'haproxy1:hosts',
      'haproxy1:heartbeat',
    ]);
    expect(seen.filter((s) => s.startsWith('web2:'))).toEqual(['web2:network', 'web2:hosts', 'web2:nginx']);
  });
});

describe('when things go wrong', () => {
  it('a command that times out fails its task, is killed on the machine, and stops only that host', async () => {
    const tag = `${Date.now() % 100000}.${process.pid}`;
    const role: Role = {
      name: 'slow',
      tasks: ({ host }) => [
        shellCommand({ name: 'hangs on web2', cmd: host.name === 'web2' ? `sleep 3${tag}` : 'true', timeoutMs: 1000 }),
        shellCommand({ name: 'after', cmd: 'true' }),
      ],
    };
    const run = await play([{ hosts: 'all', roles: [role] }], options());
    expect(run.recap.get('web2')).toMatchObject({ failed: 1, ok: 0 });
    expect(run.recap.get('web1')).toMatchObject({ failed: 0, ok: 2 });
    const failure = run.results.find((e) => e.type === 'task-result' && e.host === 'web2');
    expect(failure?.type === 'task-result' && failure.result.message).toMatch(/timed out after 1s: sleep 3/);
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain(`sleep 3${tag}`);
  });

  it('a connection dropped mid-run is reopened and the step retried once', async () => {
    let drops = 0;
    const dropOnce: Task = {
      name: 'drops the connection the first time',
      async run(ctx) {
        if (drops === 0) {
          drops += 1;
          killSessions();
        }
        const result = await ctx.remote.exec('echo still here');
        return { status: result.stdout === 'still here\n' ? 'ok' : 'failed' };
      },
    };
    const role: Role = {
      name: 'flaky',
      tasks: () => [
        shellCommand({ name: 'before', cmd: 'true', changedWhen: () => false }),
        dropOnce,
        shellCommand({ name: 'after', cmd: 'true', changedWhen: () => false }),
      ],
    };
    const run = await play([{ hosts: 'all', roles: [role] }], options({ limit: ['web1'] }));
    expect(run.recap.get('web1')).toEqual({ ok: 3, changed: 0, unreachable: 0, failed: 0, skipped: 0 });
    expect(run.connections.get('web1')).toBe(2);
  });

  it('a connection that drops again on the retry makes the host unreachable', async () => {
    const alwaysDrop: Task = {
      name: 'drops every time',
      async run(ctx) {
        killSessions();
        await ctx.remote.exec('true');
        return { status: 'ok' };
      },
    };
    const run = await play(
      [{ hosts: 'all', roles: [{ name: 'broken', tasks: () => [alwaysDrop] }] }],
      options({ limit: ['web3'] }),
    );
    expect(run.recap.get('web3')).toMatchObject({ unreachable: 1, ok: 0 });
  });

  it('a changed host key is refused with a clear message; forgetting it (machine recreated) accepts the new one', async () => {
    const knownHosts = new KnownHosts(join(scratch.dir, 'known_hosts-rekey'));
    const role: Role = {
      name: 'noop',
      tasks: () => [shellCommand({ name: 'noop', cmd: 'true', changedWhen: () => false })],
    };
    const opts = options({ knownHosts, limit: ['haproxy1'] });
    expect((await play([{ hosts: 'all', roles: [role] }], opts)).recap.get('haproxy1')?.ok).toBe(1);
    await sshd.replaceHostKey();
    const refused = await play([{ hosts: 'all', roles: [role] }], opts);
    expect(refused.recap.get('haproxy1')).toMatchObject({ unreachable: 1, ok: 0 });
    const event = refused.events.find((e) => e.type === 'host-unreachable');
    expect(event?.type === 'host-unreachable' && event.message).toMatch(
      /haproxy1: the SSH host key changed \(recorded SHA256:.+, now SHA256:.+\)/,
    );
    knownHosts.forget('haproxy1');
    expect((await play([{ hosts: 'all', roles: [role] }], opts)).recap.get('haproxy1')?.ok).toBe(1);
  });

  it('an unreachable host does not stop the reachable ones', async () => {
    const closedPort = await freePort();
    const role: Role = {
      name: 'noop',
      tasks: () => [shellCommand({ name: 'noop', cmd: 'true', changedWhen: () => false })],
    };
    const run = await play(
      [{ hosts: 'all', roles: [role] }],
      options(),
      endpoints(SUDO_USER, { web2: { port: closedPort } }),
    );
    expect(run.recap.get('web2')).toMatchObject({ unreachable: 1 });
    for (const host of ['haproxy1', 'haproxy2', 'web1', 'web3'])
      expect(run.recap.get(host), host).toMatchObject({ ok: 1, unreachable: 0 });
    const event = run.events.find((e) => e.type === 'host-unreachable');
    expect(event?.type === 'host-unreachable' && event.message).toContain(
      `cannot connect to ${SUDO_USER}@127.0.0.1:${closedPort}`,
    );
  });

  it('a failing validator fails the task, keeps the old file and stops that host', async () => {
    const dir = `${root}/validator`;
    const role = (content: string): Role => ({
      name: 'haproxy',
      tasks: ({ host }) => [
        shellCommand({ name: 'workdir', cmd: `mkdir -p ${dir}/${host.name}`, creates: `${dir}/${host.name}` }),
        file({
          name: 'T8 haproxy.cfg',
          path: `${dir}/${host.name}/haproxy.cfg`,
          content,
          validate: 'grep -q "^listen " %s',
        }),
        shellCommand({ name: 'after', cmd: 'true' }),
      ],
    });
    await play([{ hosts: 'balancers', roles: [role('listen web-cluster\n')] }], options());
    const run = await play([{ hosts: 'balancers', roles: [role('lisen web-cluster\n')] }], options());
    expect(run.recap.get('haproxy1')).toMatchObject({ failed: 1, ok: 1 });
    const failure = run.results.find((e) => e.type === 'task-result' && e.result.status === 'failed');
    expect(failure?.type === 'task-result' && failure.result.message).toContain('refused the new');
    expect(run.results.some((e) => e.type === 'task-result' && e.task === 'after')).toBe(false);
  });

  it('handlers run once, after the role, for what was notified before a failure', async () => {
    const dir = `${root}/handlers`;
    const handled: string[] = [];
    const handler = (name: string): Task => ({ name, run: async () => (handled.push(name), { status: 'changed' }) });
    const role: Role = {
      name: 'heartbeat',
      tasks: ({ host }) => [
        shellCommand({ name: 'workdir', cmd: `mkdir -p ${dir}/${host.name}`, creates: `${dir}/${host.name}` }),
        file({ name: 'T5 ha.cf', path: `${dir}/${host.name}/ha.cf`, content: 'x\n', notify: ['restart heartbeat'] }),
        file({
          name: 'T6 authkeys',
          path: `${dir}/${host.name}/authkeys`,
          content: 'y\n',
          notify: ['restart heartbeat'],
        }),
        shellCommand({ name: 'fails', cmd: 'exit 1' }),
        file({ name: 'never reached', path: `${dir}/${host.name}/late`, content: 'z\n', notify: ['reload other'] }),
      ],
      handlers: () => [handler('restart heartbeat'), handler('reload other')],
    };
    const run = await play([{ hosts: 'all', roles: [role] }], options({ limit: ['haproxy1'] }));
    expect(handled).toEqual(['restart heartbeat']);
    expect(run.recap.get('haproxy1')).toMatchObject({ failed: 1, changed: 4 });
    const rerun = await play(
      [{ hosts: 'all', roles: [{ ...role, tasks: (ctx) => role.tasks(ctx).slice(0, 3) }] }],
      options({ limit: ['haproxy1'] }),
    );
    expect(handled).toEqual(['restart heartbeat']);
    expect(rerun.recap.get('haproxy1')).toMatchObject({ changed: 0, failed: 0 });
  });
});
