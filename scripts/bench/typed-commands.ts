// The bench's figures of what a user waits for, as they wait for it (issue 19): the wall clock of
// each command as typed in the project's folder (`npm run -s lab:…`, npm included), min / median
// / max over several runs, beside the anchors of the same run: Node doing nothing, npm running a
// script that does nothing, OpenSSH making one connection to the same machine.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spread } from './vip-probe.ts';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

export interface TypedLab {
  labFile: string;
  stateDir: string;
  /** a web server's name, for lab:exec */
  web: string;
}

/** Seconds the command took, wall clock, from the spawn to its exit; throws on a failure. */
function wallSeconds(argv: string[], env: Record<string, string> = {}): { seconds: number; stdout: string } {
  const start = performance.now();
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd: PROJECT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${result.status}): ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
  return { seconds, stdout: result.stdout };
}

function runs(times: number, argv: string[], env?: Record<string, string>): number[] {
  wallSeconds(argv, env); // once first, as a user's second command is: caches warm
  return Array.from({ length: times }, () => wallSeconds(argv, env).seconds);
}

/** CPU seconds all processes of this host used while `work` ran (the machines are processes of it). */
function cpuSecondsDuring<T>(work: () => T): [number, T] {
  const busy = () => {
    const fields = spawnSync('head', ['-1', '/proc/stat'], { encoding: 'utf8' }).stdout.trim().split(/\s+/).slice(1).map(Number);
    // user nice system (idle iowait) irq softirq steal
    return (fields[0]! + fields[1]! + fields[2]! + fields[5]! + fields[6]! + fields[7]!) / 100;
  };
  const before = busy();
  const result = work();
  return [busy() - before, result];
}

export interface TypedReport {
  row(what: string, value: string, note?: string): void;
}

const npmRun = (script: string, ...args: string[]) => ['npm', 'run', '-s', script, '--', ...args];

/** Start-up and the commands that act on a running, provisioned lab; changes nothing on it. */
export function measureTypedCommands(lab: TypedLab, times: number, report: TypedReport): void {
  const L = ['--lab', lab.labFile, '--state', lab.stateDir];
  const row = (what: string, values: number[], note = '') => report.row(what, `${spread(values)} s`, note);
  console.log(`\ncommands as typed in the project's folder, wall clock, min / median / max of ${times} runs:`);
  row('anchor: node -e 0', runs(times, ['node', '-e', '0']), "Node's own start");
  row('anchor: npm run -s (a no-op script)', runs(times, ['npm', 'run', '-s', 'env']), "npm's own start, then Node's");
  row('node bin/hafarm.js --help', runs(times, ['node', 'bin/hafarm.js', '--help']), 'start-up; target ≤ 0.15 s');
  row('node bin/hafarm.js validate', runs(times, ['node', 'bin/hafarm.js', 'validate', '--lab', lab.labFile]), "with this host's haproxy -c where installed");
  row('npm run -s lab:validate', runs(times, npmRun('lab:validate', '--lab', lab.labFile)));
  row('npm run -s lab:status', runs(times, npmRun('lab:status', ...L)), 'reads every link too');
  const sshConfig = join(lab.stateDir, 'bench-ssh-config');
  spawnSync('sh', ['-c', `node bin/hafarm.js ssh-config ${L.map((a) => `'${a}'`).join(' ')} > '${sshConfig}'`], { cwd: PROJECT });
  row(`anchor: ssh -F … ${lab.web} true`, runs(times, ['ssh', '-F', sshConfig, lab.web, 'true']), 'OpenSSH, a new connection');
  row(`npm run -s lab:exec ${lab.web} true`, runs(times, npmRun('lab:exec', ...L, lab.web, 'true')), 'the connection held');
  row('npm run -s lab:provision, no-op', runs(times, npmRun('lab:provision', ...L, '--no-wait')), 'target ≤ 0.5 s; changed=0, the connections held');
  row('the same, HAFARM_HOLD_CONNECTIONS=no', runs(times, npmRun('lab:provision', ...L, '--no-wait'), { HAFARM_HOLD_CONNECTIONS: 'no' }), 'five new connections');
}

interface ProfileEvent {
  event: 'profile';
  hosts: Array<{ host: string; seconds: number }>;
}

/**
 * A first provision as typed (--no-wait: the tasks, not Heartbeat's start after them), on
 * machines made afresh before each run (`fresh`): the command, the slowest host's tasks, and the
 * CPU the host spent on it, which on this machine's cores is a floor no scheduling goes under.
 */
export async function measureFirstProvision(lab: TypedLab, times: number, fresh: () => Promise<void>, report: TypedReport): Promise<void> {
  const walls: number[] = [];
  const tasks: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < times; i++) {
    await fresh();
    const [cpu, run] = cpuSecondsDuring(() => wallSeconds(npmRun('lab:provision', '--lab', lab.labFile, '--state', lab.stateDir, '--no-wait', '--json', '--profile')));
    const profile = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event: string })
      .find((event): event is ProfileEvent => event.event === 'profile');
    const slowest = Math.max(...(profile?.hosts.map((h) => h.seconds) ?? [Number.NaN]));
    walls.push(run.seconds);
    tasks.push(slowest);
    floors.push(cpu / availableParallelism());
  }
  console.log(`\nfirst provision as typed, machines made afresh before each of ${times} runs, min / median / max:`);
  report.row('npm run -s lab:provision --no-wait', `${spread(walls, 1)} s`, 'target ≤ 8 s');
  report.row('  the slowest host\'s tasks', `${spread(tasks, 1)} s`, '--profile\'s figure');
  report.row(`  CPU it used ÷ ${availableParallelism()} cores`, `${spread(floors, 1)} s`, 'the floor on this machine: installing the packages is CPU-bound');
}
