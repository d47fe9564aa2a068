// A real connection and facts to run single tasks against, as the runner would.
import { join } from 'node:path';
import { gatherFacts } from '../../lib/engine/facts.ts';
import { FileStates } from '../../lib/engine/modules/remote-file.ts';
import { RemoteReads } from '../../lib/engine/modules/remote-reads.ts';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import { SshConnection } from '../../lib/engine/ssh/ssh-connection.ts';
import { newHostRunState, type Task, type TaskContext, type TaskResult } from '../../lib/engine/task.ts';
import type { SshEndpoint } from '../../lib/providers/provider.ts';

export interface Connected {
  connection: SshConnection;
  context(mode?: { check?: boolean; diff?: boolean }): TaskContext;
  run(task: Task, mode?: { check?: boolean; diff?: boolean }): Promise<TaskResult>;
  sh(command: string): Promise<string>;
  close(): void;
}

export async function connectTo(endpoint: SshEndpoint, stateDir: string): Promise<Connected> {
  const connection = new SshConnection(endpoint, {
    knownHosts: new KnownHosts(join(stateDir, `known_hosts-${endpoint.user}`)),
    commandTimeoutMs: 120_000,
  });
  await connection.connect();
  const facts = await gatherFacts(connection);
  const context = (mode: { check?: boolean; diff?: boolean } = {}): TaskContext => ({
    remote: connection,
    facts,
    check: mode.check ?? false,
    diff: mode.diff ?? false,
    run: newHostRunState(),
    files: new FileStates(connection),
    reads: new RemoteReads(connection),
  });
  return {
    connection,
    context,
    run: (task, mode) => task.run(context(mode)),
    async sh(command) {
      const result = await connection.exec(command);
      if (result.code !== 0) throw new Error(`${command}: exit ${result.code}: ${result.stderr}`);
      return result.stdout;
    },
    close: () => connection.close(),
  };
}

/** Runs the task in check mode, for real, again, and once more in check mode. */
export async function converge(remote: Connected, task: Task) {
  const check = await remote.run(task, { check: true, diff: true });
  const first = await remote.run(task, { diff: true });
  const second = await remote.run(task, { diff: true });
  const checkAgain = await remote.run(task, { check: true });
  return { check, first, second, checkAgain };
}
