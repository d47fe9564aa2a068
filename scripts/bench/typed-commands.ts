// The bench's figures of what a user waits for, as they wait for it (issue 19): the wall clock of
// each command as typed in the project's folder (`npm run -s lab:…`, npm included), min / median
// / max over several runs, beside the anchors of the same run: Node doing nothing, npm running a
// script that does nothing, OpenSSH making one connection to the same machine.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spread } from './vip-probe.ts';

const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

export interface TypedLab {
  labFile: string;
  stateDir: string;
  /** a web server's name, for lab:exec */
  web: string;
}

/**
 * Seconds the command took, wall clock, from the spawn to its exit; throws on a failure. Waited
 * for, not run synchronously: the bench hears a signal while a command runs (bench-stop.ts).
 */
function wallSeconds(argv: string[], env: Record<string, string> = {}): Promise<{ seconds: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: PROJECT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - start) / 1000;
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve({ seconds, stdout });
      const said = (Buffer.concat(err).toString('utf8') || stdout).trim().split('\n').slice(-3).join(' ');
      reject(new Error(`${argv.join(' ')} failed (${signal ?? `exit ${code}`}): ${said}`));
    });
  });
}

/** Seconds from the spawn to the first line the command prints on stdout (what a user sees first). */
function firstLineSeconds(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: PROJECT, stdio: ['ignore', 'pipe', 'ignore'] });
    let seen: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (seen === undefined && chunk.includes(10)) seen = (performance.now() - start) / 1000;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && seen !== undefined
        ? resolve(seen)
        : reject(new Error(`${argv.join(' ')}: exit ${code}, ${seen === undefined ? 'no line' : 'a line'}`)),
    );
  });
}

async function firstLines(times: number, argv: string[]): Promise<number[]> {
  await firstLineSeconds(argv);
  const seconds: number[] = [];
  for (let i = 0; i < times; i++) seconds.push(await firstLineSeconds(argv));
  return seconds;
}

async function runs(times: number, argv: string[], env?: Record<string, string>): Promise<number[]> {
  await wallSeconds(argv, env); // once first, as a user's second command is: caches warm
  const seconds: number[] = [];
  for (let i = 0; i < times; i++) seconds.push((await wallSeconds(argv, env)).seconds);
  return seconds;
}

/** CPU seconds all processes of this host used while `work` ran (the machines are processes of it). */
async function cpuSecondsDuring<T>(work: () => Promise<T>): Promise<[number, T]> {
  const busy = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system (idle iowait) irq softirq steal
    return (fields[0]! + fields[1]! + fields[2]! + fields[5]! + fields[6]! + fields[7]!) / 100;
  };
  const before = busy();
  const result = await work();
  return [busy() - before, result];
}

/** A row of the section: the columns are wider than the bench's first rows, for three figures. */
function row(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(40)} ${value.padEnd(22)} ${note}`.trimEnd());
}

const npmRun = (script: string, ...args: string[]) => ['npm', 'run', '-s', script, '--', ...args];

/** Start-up and the commands that act on a running, provisioned lab; changes nothing on it. */
export async function measureTypedCommands(lab: TypedLab, times: number): Promise<void> {
  const L = ['--lab', lab.labFile, '--state', lab.stateDir];
  const timed = (what: string, values: number[], note = '') => row(what, `${spread(values)} s`, note);
  console.log(
    `\ncommands as typed in the project's folder, wall clock, min / median / max of ${times} runs (hafarm = node bin/hafarm.js):`,
  );
  timed('anchor: node -e 0', await runs(times, ['node', '-e', '0']), "Node's own start");
  timed(
    'anchor: npm run -s env',
    await runs(times, ['npm', 'run', '-s', 'env']),
    "npm's own start and its built-in script (prints the environment)",
  );
  const hafarm = (...args: string[]) => ['node', 'bin/hafarm.js', ...args];
  timed('hafarm --help, first line', await firstLines(times, hafarm('--help')), 'start-up; target ≤ 0.15 s');
  timed(
    'hafarm validate, first line',
    await firstLines(times, hafarm('validate', '--lab', lab.labFile)),
    "after the host's haproxy -c, where installed",
  );
  timed('hafarm status, first line', await firstLines(times, hafarm('status', ...L)));
  timed(
    `hafarm exec ${lab.web} echo, first line`,
    await firstLines(times, hafarm('exec', ...L, lab.web, 'echo', 'ok')),
    'the connection held',
  );
  timed(
    'npm run -s lab:validate',
    await runs(times, npmRun('lab:validate', '--lab', lab.labFile)),
    'the whole command, npm included',
  );
  timed('npm run -s lab:status', await runs(times, npmRun('lab:status', ...L)), 'reads every link too');
  // beside the state folder, not in it: the folder is hafarm's own
  const sshConfig = join(dirname(lab.stateDir), 'ssh-config');
  writeFileSync(sshConfig, (await wallSeconds(['node', 'bin/hafarm.js', 'ssh-config', ...L])).stdout);
  timed(
    `anchor: ssh -F … ${lab.web} true`,
    await runs(times, ['ssh', '-F', sshConfig, lab.web, 'true']),
    'OpenSSH, a new connection',
  );
  timed(
    `npm run -s lab:exec ${lab.web} true`,
    await runs(times, npmRun('lab:exec', ...L, lab.web, 'true')),
    'the connection held',
  );
  timed(
    'npm run -s lab:provision, no-op',
    await runs(times, npmRun('lab:provision', ...L, '--no-wait')),
    'target ≤ 0.5 s; changed=0, the connections held',
  );
  timed(
    'the same, HAFARM_HOLD_CONNECTIONS=no',
    await runs(times, npmRun('lab:provision', ...L, '--no-wait'), { HAFARM_HOLD_CONNECTIONS: 'no' }),
    'five new connections',
  );
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
export async function measureFirstProvision(lab: TypedLab, times: number, fresh: () => Promise<void>): Promise<void> {
  const walls: number[] = [];
  const tasks: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < times; i++) {
    await fresh();
    const [cpu, run] = await cpuSecondsDuring(() =>
      wallSeconds(
        npmRun('lab:provision', '--lab', lab.labFile, '--state', lab.stateDir, '--no-wait', '--json', '--profile'),
      ),
    );
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
  row('npm run -s lab:provision --no-wait', `${spread(walls, 1)} s`, 'target ≤ 8 s');
  row("  the slowest host's tasks", `${spread(tasks, 1)} s`, "--profile's figure");
  row(
    `  CPU it used ÷ ${availableParallelism()} cores`,
    `${spread(floors, 1)} s`,
    'the floor on this machine: installing the packages is CPU-bound',
  );
}
