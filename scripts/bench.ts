// npm run bench (as root, Linux): the namespace provider's figures on this machine. Prints
// cold up (base image built), warm up (cached), first and no-op provision, failover and
// failback times and memory per machine. Asserts nothing. Uses a cache and a lab of its own
// (prefix "bench"), removed at the end; the user's own labs and cache are not touched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { tutorialPlaybook } from '../roles/playbook.ts';
import { runPlay } from '../lib/engine/run-play.ts';
import { KnownHosts } from '../lib/engine/ssh/known-hosts.ts';
import { loadLab } from '../lib/lab/load.ts';
import { masterBalancer } from '../lib/lab/model.ts';
import { NetnsProvider } from '../lib/providers/netns/netns-provider.ts';
import { loadSecrets } from '../lib/state/lab-secrets.ts';
import { LabStateDir } from '../lib/state/lab-state.ts';

const work = mkdtempSync(join(tmpdir(), 'hafarm-bench-'));
process.env.XDG_CACHE_HOME = join(work, 'cache');
const labFile = join(work, 'lab.yaml');
writeFileSync(labFile, readFileSync(new URL('../lab.yaml', import.meta.url), 'utf8').replace(/^name: \w+$/m, 'name: bench'));
const lab = loadLab(labFile);
const state = new LabStateDir(join(work, 'state'));
const provider = new NetnsProvider(lab, state);
const master = masterBalancer(lab).name;

const rows: Array<[string, string, string]> = [];
function report(what: string, value: string, target = ''): void {
  rows.push([what, value, target]);
  console.log(`${what.padEnd(34)} ${value.padEnd(12)} ${target}`);
}

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [(performance.now() - start) / 1000, result];
}

async function siteAnswers(): Promise<boolean> {
  const result = await execa('ip', ['netns', 'exec', provider.clientNamespace(), 'curl', '-s', '-m', '0.2', `http://${lab.vip.address}/`], { reject: false });
  return String(result.stdout).includes('Bienvenido');
}

function holdsVip(host: string): boolean {
  const out = execFileSync('ip', ['-n', provider.names.namespace(host), '-4', '-o', 'addr', 'show'], { encoding: 'utf8' });
  return out.includes(` ${lab.vip.address}/`);
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await check()) return (performance.now() - start) / 1000;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number.NaN;
}

/** Proportional set size of every process of a machine, in MiB. */
function machineMemory(host: string): number {
  const pids = execFileSync('ip', ['netns', 'pids', provider.names.namespace(host)], { encoding: 'utf8' }).split('\n').filter(Boolean);
  let kib = 0;
  for (const pid of pids) {
    try {
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kib += Number(pss?.[1] ?? 0);
    } catch {
      // the process ended
    }
  }
  return kib / 1024;
}

async function provision(): Promise<[number, number]> {
  const endpoints = await provider.sshEndpoints();
  const [time, outcome] = await seconds(() =>
    runPlay(lab, tutorialPlaybook, endpoints, { check: false, diff: false, limit: [], tags: [], forks: 5, knownHosts: new KnownHosts(state.path('known_hosts')), secrets: loadSecrets(state) }, () => undefined),
  );
  const failed = [...outcome.recap.values()].reduce((n, s) => n + s.failed + s.unreachable, 0);
  if (failed > 0) throw new Error(`provisioning failed on ${failed} host(s)`);
  return [time, [...outcome.recap.values()].reduce((n, s) => n + s.changed, 0)];
}

async function main(): Promise<void> {
  console.log(`bench — the tutorial farm (${lab.hosts.length} machines) on the namespace provider, ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores`);
  state.claim(lab, 'netns');
  const [cold] = await seconds(() => provider.up(() => undefined));
  report('cold up (base image built)', `${cold.toFixed(1)} s`);
  await provider.destroy();
  const [warm] = await seconds(() => provider.up(() => undefined));
  report('warm up (cached)', `${warm.toFixed(2)} s`, 'target ≤ 3 s');
  const [first, changedFirst] = await provision();
  report('first provision', `${first.toFixed(1)} s`, `target ≤ 25 s (ansible-playbook 50–59 s); changed=${changedFirst}`);
  const [noop, changedNoop] = await provision();
  report('no-op provision', `${noop.toFixed(3)} s`, `target ≤ 0.5 s (ansible-playbook 8–11 s); changed=${changedNoop}`);
  await until(siteAnswers, 60_000);
  await until(() => holdsVip(master), 60_000);
  for (const host of lab.hosts) report(`memory ${host.name}`, `${machineMemory(host.name).toFixed(1)} MiB`, 'PSS of its processes');
  // Five rounds: Heartbeat notices a dead peer somewhere within a keepalive after deadtime.
  // Between rounds the master runs for deadtime + 2 keepalives: while Heartbeat starts it
  // advertises a longer deadtime in its status packets (dt=7000 ms for deadtime 5, measured),
  // so a master that dies in its first seconds is declared dead about 2 s later than usual.
  const rest = (lab.heartbeat.deadtime + 2 * lab.heartbeat.keepalive) * 1000;
  const failovers: number[] = [];
  const failbacks: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    await provider.powerOff(master);
    await until(siteAnswers, 60_000);
    failovers.push((performance.now() - start) / 1000);
    const back = performance.now();
    await provider.powerOn(master);
    await until(async () => holdsVip(master) && (await siteAnswers()), 60_000);
    failbacks.push((performance.now() - back) / 1000);
    await new Promise((r) => setTimeout(r, rest));
  }
  const list = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
  report('failover (power off → answer)', `${list(failovers)} s`, `target ≤ deadtime + 0.5 = ${lab.heartbeat.deadtime + 0.5} s`);
  report('failback (power on → VIP back)', `${list(failbacks)} s`, 'auto_failback on');
}

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await provider.destroy().catch(() => undefined);
    state.removeOwnEntries();
    rmSync(work, { recursive: true, force: true });
  });
