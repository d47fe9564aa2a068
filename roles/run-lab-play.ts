// Provisioning the lab: the engine's runner over the lab's inventory, each role given the farm's
// context. Same arguments for lab:provision and the benchmarks.
//
// Then, on lab:provision's full run, the farm made to run as the definition says, not only its
// files written: a daemon that runs is not a stack that works (issue 27: after a heartbeat link
// was cut and restored, haproxy1's Heartbeat ran, deaf and silent on its link, while haproxy2 held
// the VIP, and every task was ok). The lab's HA stack is read on every balancer (facts first: does
// its daemon run, does it hear its peers, who holds the VIP); a balancer where it is not as the
// definition says is given the stack's start-up time, then the stack is restarted there, once,
// and waited for again. Each balancer's verdict is a task result of its own (role: the stack's),
// in the recap like any task: `ok` when nothing was done, `changed` saying what was wrong, what
// was restarted and where the VIP went, `failed` when a restart did not bring it back. A farm that
// is right is read once and left alone.
import type { PlayEvent, PlayOptions, PlayOutcome } from '../lib/engine/run-play.ts';
import { runPlay } from '../lib/engine/run-play.ts';
import { count } from '../lib/engine/recap.ts';
import { ConnectionLost, type HostConnection } from '../lib/engine/remote.ts';
import { quote } from '../lib/engine/ssh/shell-quote.ts';
import { SshConnection } from '../lib/engine/ssh/ssh-connection.ts';
import type { SshTarget } from '../lib/engine/ssh/ssh-target.ts';
import type { TaskResult } from '../lib/engine/task.ts';
import { balancers, masterBalancer, type Host, type Lab } from '../lib/lab/model.ts';
import type { LabSecrets } from '../lib/state/secret-spec.ts';
import { haStackOf } from './components.ts';
import type { HaStack, StackMembers } from './ha-stack.ts';
import { labInventory } from './lab-inventory.ts';
import { roleContexts, type Play } from './role-context.ts';

export interface LabPlayOptions extends PlayOptions {
  secrets: LabSecrets;
  /**
   * lab:provision's full run, which waits for the farm to serve: after the play the lab's HA stack
   * is read on every balancer and restarted where it does not run as the definition says. Only
   * without --check, --limit and --tags; the benchmarks leave it out, timing the play alone.
   */
  wait?: boolean;
}

export async function runLabPlay(
  lab: Lab,
  playbook: readonly Play[],
  targets: Map<string, SshTarget>,
  options: LabPlayOptions,
  emit: (event: PlayEvent) => void,
): Promise<PlayOutcome> {
  const { secrets, wait, ...engineOptions } = options;
  const stack = haStackOf(lab);
  // When the play last changed the stack on each balancer (its files, its daemon started or
  // restarted by a handler): the stack counts as starting from then.
  const changedAt = new Map<string, number>();
  const outcome = await runPlay(
    labInventory(lab),
    playbook,
    roleContexts(lab, secrets),
    targets,
    engineOptions,
    (event) => {
      if (event.type === 'task-result' && event.role === stack.role.name && event.result.status === 'changed')
        changedAt.set(event.host, performance.now());
      emit(event);
    },
  );
  const members = balancers(lab);
  const playedOnAll = members.every((m) => {
    const stats = outcome.recap.get(m.name);
    return stats !== undefined && stats.failed === 0 && stats.unreachable === 0;
  });
  const fullRun = wait === true && !options.check && options.limit.length === 0 && options.tags.length === 0;
  if (fullRun && playedOnAll && playbook.some((play) => play.roles.includes(stack.role))) {
    const results = await convergeStack(lab, stack, targets, engineOptions, changedAt, emit);
    for (const [host, { result, opened }] of results) {
      count(outcome.recap.get(host)!, result.status);
      outcome.connections.set(host, (outcome.connections.get(host) ?? 0) + opened);
    }
  }
  return outcome;
}

/** One balancer's stack as read after the play. */
export interface MemberState {
  running: boolean;
  /** seconds its daemon has run (its oldest process); undefined when not running or unknown */
  upSeconds?: number;
  holdsVip: boolean;
  /** each peer it does not hear, in words completing "<member> …" */
  deaf: string[];
}

/** The stack's declaration with its defaults filled in from its service. */
export function stackMembers(stack: HaStack): Required<Omit<StackMembers, 'hearing'>> & Pick<StackMembers, 'hearing'> {
  const declared = stack.members ?? {};
  return {
    process: declared.process ?? stack.service,
    stop: declared.stop ?? `service ${quote(stack.service)} stop`,
    start: declared.start ?? `service ${quote(stack.service)} start`,
    ...(declared.hearing ? { hearing: declared.hearing } : {}),
  };
}

/** Read-only: prints vip=, running=, up= and the stack's deaf= lines, one a line. */
export function memberReadCommand(lab: Lab, stack: HaStack, member: Host): string {
  const { process, hearing } = stackMembers(stack);
  const peers = balancers(lab).filter((h) => h.name !== member.name);
  return [
    `if ip -4 -o addr show | grep -qF -e ${quote(` ${lab.vip.address}/`)}; then echo vip=1; else echo vip=0; fi`,
    `if pidof ${quote(process)} >/dev/null; then`,
    'echo running=1',
    `echo "up=$(ps -o etimes= -C ${quote(process)} | sort -n | tail -n 1 | tr -d ' ')"`,
    ...(hearing ? [hearing(lab, member, peers)] : []),
    'else echo running=0; fi',
  ].join('\n');
}

export function parseMemberState(output: string): MemberState {
  const lines = output.split('\n').map((l) => l.trim());
  const value = (key: string) => lines.find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
  const up = Number(value('up'));
  const running = value('running') === '1';
  return {
    running,
    ...(running && value('up') && Number.isFinite(up) ? { upSeconds: up } : {}),
    holdsVip: value('vip') === '1',
    deaf: lines.filter((l) => l.startsWith('deaf=')).map((l) => l.slice('deaf='.length)),
  };
}

/**
 * What is wrong on each balancer, in words ("heard nothing from haproxy2 on eth2", "held the VIP
 * 192.168.1.100, which is haproxy1's"); a balancer that is right has no entry. The VIP belongs on
 * the master when the stack fails back, else on any one balancer (the first holder, in the
 * definition's order, keeps it).
 */
export function memberProblems(
  lab: Lab,
  stack: HaStack,
  states: ReadonlyMap<string, MemberState>,
): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  const add = (host: string, what: string) => problems.set(host, [...(problems.get(host) ?? []), what]);
  const members = balancers(lab);
  const master = masterBalancer(lab).name;
  const vip = lab.vip.address;
  for (const member of members) {
    const state = states.get(member.name);
    if (!state) continue;
    if (!state.running) add(member.name, `${stack.title} was not running`);
    for (const words of state.deaf) add(member.name, words);
  }
  const holders = members.filter((m) => states.get(m.name)?.holdsVip).map((m) => m.name);
  if (stack.failsBack(lab)) {
    if (!holders.includes(master))
      add(master, `did not hold the VIP ${vip}${holders.length > 0 ? ` (${holders.join(' and ')} did)` : ''}`);
    for (const holder of holders.filter((h) => h !== master)) add(holder, `held the VIP ${vip}, which is ${master}'s`);
  } else if (holders.length === 0) {
    add(master, `did not hold the VIP ${vip}, and no other balancer did`);
  } else {
    for (const holder of holders.slice(1)) add(holder, `held the VIP ${vip} as well as ${holders[0]}`);
  }
  return problems;
}

/** How often the balancers are read while the stack settles. */
const POLL_MS = 1000;
/** A read and a restart, at most: a stuck Heartbeat takes 30 s to stop. */
const READ_TIMEOUT_MS = 60_000;
const RESTART_TIMEOUT_MS = 180_000;

const seconds = (ms: number) => `${Math.max(0, ms / 1000).toFixed(0)} s`;

/**
 * Reads the stack on every balancer until it is as the definition says; restarts it, once per
 * balancer, where it is not once the stack has had its start-up time there. Each balancer's task
 * result, and the connections opened for it.
 */
async function convergeStack(
  lab: Lab,
  stack: HaStack,
  targets: Map<string, SshTarget>,
  options: PlayOptions,
  changedAt: ReadonlyMap<string, number>,
  emit: (event: PlayEvent) => void,
): Promise<Map<string, { result: TaskResult; opened: number }>> {
  const members = balancers(lab);
  const master = masterBalancer(lab).name;
  const { process, stop, start } = stackMembers(stack);
  const step = stack.steps.at(-1) ?? '';
  const task = `${step} ${stack.name} running, hearing its peers, the VIP on ${stack.failsBack(lab) ? master : 'one balancer'}`;
  const role = stack.role.name;
  const startupMs = stack.startupSeconds(lab) * 1000;
  // Each balancer starting (its start-up time), restarted once, then starting again: the most a
  // run may spend here, with room for the restarts themselves.
  const limitMs = 3 * startupMs + 2 * RESTART_TIMEOUT_MS;
  const connections = new Map<string, HostConnection>();
  for (const member of members) {
    const target = targets.get(member.name)!;
    connections.set(
      member.name,
      options.connectionFor?.(target) ??
        new SshConnection(target, {
          knownHosts: options.knownHosts,
          ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
        }),
    );
    emit({ type: 'task-start', host: member.name, role, task, handler: false });
  }
  const exec = async (host: string, command: string, timeoutMs: number) => {
    const connection = connections.get(host)!;
    try {
      if (!connection.connected) await connection.connect();
      return await connection.exec(command, { timeoutMs });
    } catch (error) {
      if (!(error instanceof ConnectionLost)) throw error;
      await connection.connect();
      return connection.exec(command, { timeoutMs });
    }
  };
  const readAll = async () =>
    new Map(
      await Promise.all(
        members.map(
          async (m) =>
            [
              m.name,
              parseMemberState((await exec(m.name, memberReadCommand(lab, stack, m), READ_TIMEOUT_MS)).stdout),
            ] as const,
        ),
      ),
    );
  // Stopped, its VIP let go if the daemon left it behind (a stack holds no other address), started.
  const vip = quote(lab.vip.address);
  // A stop that a daemon in the middle of restarting itself let pass is given again; a daemon
  // that outlives both is killed.
  const gone = (tries: number) =>
    `i=0; while pidof ${quote(process)} >/dev/null && [ $i -lt ${tries} ]; do sleep 1; i=$((i+1)); done`;
  const restart = [
    `${stop} >/dev/null 2>&1`,
    gone(45),
    `if pidof ${quote(process)} >/dev/null; then ${stop} >/dev/null 2>&1; ${gone(15)}; fi`,
    `pids=$(pidof ${quote(process)}) && kill -KILL $pids && sleep 1`,
    `ip -4 -o addr show | awk -v vip=${vip} 'index($4, vip "/") == 1 {print $2, $4}' | while read -r dev addr; do ip addr del "$addr" dev "$dev"; done`,
    `${start} 2>&1`,
  ].join('\n');

  const results = new Map<string, TaskResult>();
  const restarted = new Map<string, { at: number; problems: string[] }>();
  const began = performance.now();
  try {
    let states = await readAll();
    let problems = memberProblems(lab, stack, states);
    for (;;) {
      if (problems.size === 0) break;
      const now = performance.now();
      const startedAt = (host: string) =>
        Math.max(
          states.get(host)?.upSeconds !== undefined ? now - states.get(host)!.upSeconds! * 1000 : -Infinity,
          changedAt.get(host) ?? -Infinity,
          restarted.get(host)?.at ?? -Infinity,
        );
      const starting = members.some((m) => states.get(m.name)?.running && now - startedAt(m.name) < startupMs);
      // A stack may be healing by itself (Heartbeat restarts itself once a cut link is back, a
      // process that keeps its start time through the exec): it is given its start-up time from
      // the first wrong reading too, and a restart never runs into its own.
      const stuck = !starting && now - began >= startupMs;
      const overdue = now - began > limitMs;
      if (stuck || overdue) {
        const fresh = [...problems.keys()].filter((host) => !restarted.has(host));
        if (fresh.length === 0 || overdue) break;
        await Promise.all(
          fresh.map(async (host) => {
            const at = performance.now();
            const result = await exec(host, restart, RESTART_TIMEOUT_MS);
            restarted.set(host, { at, problems: problems.get(host)! });
            if (result.code !== 0)
              results.set(host, {
                status: 'failed',
                message: `${problems.get(host)!.join(', ')}: restarting ${stack.title} failed (exit ${result.code}): ${result.stdout.trim().split('\n').slice(-3).join(' ')}`,
              });
          }),
        );
      } else {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      states = await readAll();
      problems = memberProblems(lab, stack, states);
    }
    const settledAt = performance.now();
    const holders = members.filter((m) => states.get(m.name)?.holdsVip).map((m) => m.name);
    const where = holders.length === 0 ? 'no balancer holds the VIP' : `VIP now on ${holders.join(' and ')}`;
    for (const member of members) {
      if (results.has(member.name)) continue;
      const before = restarted.get(member.name);
      const now = problems.get(member.name);
      if (before && !now)
        results.set(member.name, {
          status: 'changed',
          message: `${before.problems.join(', ')}: ${stack.title} restarted; ${where} after ${seconds(settledAt - before.at)}`,
        });
      else if (before)
        results.set(member.name, {
          status: 'failed',
          message: `${before.problems.join(', ')}: ${stack.title} restarted, and ${seconds(settledAt - before.at)} later still: ${now!.join(', ')}`,
        });
      else if (now)
        results.set(member.name, {
          status: 'failed',
          message: `${now.join(', ')}, still ${seconds(settledAt - began)} after the play`,
        });
      else results.set(member.name, { status: 'ok', message: `VIP on ${holders.join(' and ')}, every peer heard` });
    }
  } catch (error) {
    for (const member of members)
      if (!results.has(member.name))
        results.set(member.name, {
          status: 'failed',
          message: `could not read ${stack.title} on the balancers: ${(error as Error).message}`,
        });
  } finally {
    for (const connection of connections.values()) connection.close();
  }
  const out = new Map<string, { result: TaskResult; opened: number }>();
  for (const member of members) {
    const result = results.get(member.name)!;
    emit({ type: 'task-result', host: member.name, role, task, handler: false, result });
    out.set(member.name, { result, opened: connections.get(member.name)!.opened });
  }
  return out;
}
