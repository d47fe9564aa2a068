// Runs a playbook over an inventory's hosts: hosts in parallel up to a forks limit, tasks in order
// on each host over one SSH connection. A failed or unreachable host stops only itself.
import { gatherFacts, type Facts } from './facts.ts';
import type { InventoryHost } from './inventory.ts';
import { FileStates } from './modules/remote-file.ts';
import { RemoteReads } from './modules/remote-reads.ts';
import { taskTags } from './play-tags.ts';
import { count, emptyStats, type HostStats } from './recap.ts';
import { CommandTimedOut, ConnectionLost, HostUnreachable, type HostConnection } from './remote.ts';
import { rolesFor, type Play, type Role } from './role.ts';
import type { KnownHosts } from './ssh/known-hosts.ts';
import { SshConnection } from './ssh/ssh-connection.ts';
import type { SshTarget } from './ssh/ssh-target.ts';
import { newHostRunState, type HostRunState, type Task, type TaskContext, type TaskResult } from './task.ts';

export interface PlayOptions {
  check: boolean;
  diff: boolean;
  /** host names to run on; all hosts when empty */
  limit: string[];
  /** run only tasks carrying one of these tags (a role's name and the step IDs count as tags) */
  tags: string[];
  forks: number;
  knownHosts: KnownHosts;
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** how a host is reached: a connection of the run's own unless given (the connection holder's) */
  connectionFor?: (target: SshTarget) => HostConnection;
}

export type PlayEvent =
  | { type: 'host-start'; host: string }
  | { type: 'task-start'; host: string; role: string; task: string; handler: boolean }
  | { type: 'task-result'; host: string; role: string; task: string; handler: boolean; result: TaskResult }
  | { type: 'host-unreachable'; host: string; message: string }
  | { type: 'host-done'; host: string; stats: HostStats; connections: number };

export interface PlayOutcome {
  recap: Map<string, HostStats>;
  /** SSH connections opened per host (1 unless a connection dropped) */
  connections: Map<string, number>;
}

/** What each role is given on a host, built by the playbook's owner once the host's facts are in. */
export type ContextOf<C> = (host: InventoryHost, facts: Facts) => C;

function selected<C>(task: Task, role: Role<C>, tags: string[]): boolean {
  return tags.length === 0 || taskTags(role, task).some((t) => tags.includes(t));
}

class HostRun<C> {
  readonly stats = emptyStats();
  private readonly connection: HostConnection;
  private readonly runState: HostRunState = newHostRunState();

  constructor(
    private readonly host: InventoryHost,
    target: SshTarget,
    private readonly playbook: readonly Play<C>[],
    private readonly contextOf: ContextOf<C>,
    private readonly options: PlayOptions,
    private readonly emit: (event: PlayEvent) => void,
  ) {
    this.connection =
      options.connectionFor?.(target) ??
      new SshConnection(target, {
        knownHosts: options.knownHosts,
        ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
        ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      });
  }

  get connections(): number {
    return this.connection.opened;
  }

  private unreachable(message: string): void {
    this.stats.unreachable += 1;
    this.emit({ type: 'host-unreachable', host: this.host.name, message });
  }

  /** Runs a step; when the connection drops under it, reconnects and runs it once more. */
  private async withReconnect<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConnectionLost)) throw error;
      await this.connection.connect();
      return step();
    }
  }

  private async runTask(
    role: Role<C>,
    task: Task,
    ctx: TaskContext,
    handler: boolean,
  ): Promise<TaskResult | 'unreachable'> {
    this.emit({ type: 'task-start', host: this.host.name, role: role.name, task: task.name, handler });
    let result: TaskResult;
    try {
      result = await this.withReconnect(() => task.run(ctx));
    } catch (error) {
      if (error instanceof ConnectionLost || error instanceof HostUnreachable) {
        this.unreachable(`${task.name}: ${(error as Error).message}`);
        return 'unreachable';
      }
      result = {
        status: 'failed',
        message: error instanceof CommandTimedOut ? error.message : `${(error as Error).message}`,
      };
    }
    count(this.stats, result.status);
    this.emit({ type: 'task-result', host: this.host.name, role: role.name, task: task.name, handler, result });
    return result;
  }

  /** Reads every path the tasks name, and runs every read they declare, in a command each; a task reads for itself if this fails. */
  private async prefetch(ctx: TaskContext, tasks: Task[]): Promise<void> {
    const paths = tasks.flatMap((t) => t.paths ?? []);
    const reads = tasks.flatMap((t) => t.reads?.(ctx.facts) ?? []);
    await Promise.all([
      paths.length > 0 ? this.withReconnect(() => ctx.files.prefetch(paths)).catch(() => undefined) : undefined,
      reads.length > 0 ? this.withReconnect(() => ctx.reads.prefetch(reads)).catch(() => undefined) : undefined,
    ]);
  }

  /** Runs the role's tasks, then the handlers notified so far, even when a task failed. */
  private async runRole(role: Role<C>, tasks: Task[], roleCtx: C, ctx: TaskContext): Promise<boolean> {
    const notified = new Set<string>();
    let healthy = true;
    await this.prefetch(ctx, tasks);
    for (const [index, task] of tasks.entries()) {
      const result = await this.runTask(role, task, ctx, false);
      if (result === 'unreachable') return false;
      if (result.status === 'changed') {
        for (const name of task.notify ?? []) notified.add(name);
        // A change (a package's files, a command's effects) may touch any path or state: read again.
        ctx.files.forgetAll();
        ctx.reads.forgetAll();
        if (!this.options.check) await this.prefetch(ctx, tasks.slice(index + 1));
      }
      if (result.status === 'failed') {
        healthy = false;
        break;
      }
    }
    for (const handler of role.handlers?.(roleCtx) ?? []) {
      if (!notified.has(handler.name)) continue;
      const result = await this.runTask(role, handler, ctx, true);
      if (result === 'unreachable') return false;
      if (result.status === 'failed') healthy = false;
    }
    return healthy;
  }

  async run(): Promise<void> {
    this.emit({ type: 'host-start', host: this.host.name });
    try {
      await this.connection.connect();
    } catch (error) {
      this.unreachable((error as Error).message);
      return;
    }
    try {
      let facts: Facts;
      try {
        facts = await this.withReconnect(() => gatherFacts(this.connection));
      } catch (error) {
        if (error instanceof ConnectionLost) return this.unreachable((error as Error).message);
        this.stats.failed += 1;
        this.emit({
          type: 'task-result',
          host: this.host.name,
          role: 'facts',
          task: 'gather facts',
          handler: false,
          result: { status: 'failed', message: (error as Error).message },
        });
        return;
      }
      const roleCtx = this.contextOf(this.host, facts);
      const ctx: TaskContext = {
        remote: this.connection,
        facts,
        check: this.options.check,
        diff: this.options.diff,
        run: this.runState,
        files: new FileStates(this.connection),
        reads: new RemoteReads(this.connection),
      };
      const plan = rolesFor(this.playbook, this.host).map((role) => ({
        role,
        tasks: role.tasks(roleCtx).filter((task) => selected(task, role, this.options.tags)),
      }));
      const tasks = plan.flatMap((step) => step.tasks);
      const removed = new Set(tasks.flatMap((task) => task.removes ?? []));
      for (const name of tasks.flatMap((task) => task.installs ?? []))
        if (!removed.has(name)) this.runState.packagesToInstall.add(name);
      // every path the host's tasks read, in one command: a run that changes nothing reads no more
      await this.prefetch(ctx, tasks);
      for (const step of plan) {
        if (!(await this.runRole(step.role, step.tasks, roleCtx, ctx))) break;
      }
    } finally {
      this.connection.close();
      this.emit({ type: 'host-done', host: this.host.name, stats: this.stats, connections: this.connection.opened });
    }
  }
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.max(1, Math.min(size, queue.length)) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}

export async function runPlay<C>(
  inventory: readonly InventoryHost[],
  playbook: readonly Play<C>[],
  contextOf: ContextOf<C>,
  targets: Map<string, SshTarget>,
  options: PlayOptions,
  emit: (event: PlayEvent) => void,
): Promise<PlayOutcome> {
  const hosts = inventory.filter((h) => options.limit.length === 0 || options.limit.includes(h.name));
  const recap = new Map<string, HostStats>();
  const connections = new Map<string, number>();
  for (const host of hosts) recap.set(host.name, emptyStats());
  await pool(hosts, options.forks, async (host) => {
    const target = targets.get(host.name);
    if (!target) {
      recap.get(host.name)!.unreachable += 1;
      emit({
        type: 'host-unreachable',
        host: host.name,
        message: `${host.name}: the provider reports no SSH endpoint (is the machine running?)`,
      });
      return;
    }
    const run = new HostRun(host, target, playbook, contextOf, options, emit);
    await run.run();
    recap.set(host.name, run.stats);
    connections.set(host.name, run.connections);
  });
  return { recap, connections };
}
