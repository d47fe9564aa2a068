// npm run bench [-- --provider netns|libvirt] (as root, Linux): what a user waits for, on this
// machine. Prints cold up (nothing cached), warm up (cached), first and no-op provision, memory
// per machine, and failover and failback times seen by a client on the LAN. Asserts nothing.
// Uses a lab of its own (name "bench"), removed at the end; the user's labs are not touched.
// What differs between providers (host preparation, cache, memory) is in scripts/bench/.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tutorialPlaybook } from '../roles/playbook.ts';
import { runPlay } from '../lib/engine/run-play.ts';
import { KnownHosts } from '../lib/engine/ssh/known-hosts.ts';
import { loadLab } from '../lib/lab/load.ts';
import { masterBalancer } from '../lib/lab/model.ts';
import { createProvider, requirePrerequisites } from '../lib/providers/select-provider.ts';
import { loadSecrets } from '../lib/state/lab-secrets.ts';
import { LabStateDir } from '../lib/state/lab-state.ts';
import { labMachines } from '../lib/verify/transport/lab-machines.ts';
import { chooseVantage } from '../lib/verify/vantage.ts';
import type { BenchHost } from './bench/bench-host.ts';
import { libvirtBenchHost } from './bench/libvirt-bench-host.ts';
import { netnsBenchHost } from './bench/netns-bench-host.ts';

const HOSTS: Record<string, () => BenchHost> = { netns: netnsBenchHost, libvirt: libvirtBenchHost };

const { values } = parseArgs({ options: { provider: { type: 'string', default: 'netns' }, rounds: { type: 'string' } } });
const providerName = values.provider!;
if (!(providerName in HOSTS)) {
  console.error(`bench: --provider ${providerName} is not measured here (allowed: ${Object.keys(HOSTS).join(', ')})`);
  process.exit(2);
}
const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) {
  console.error(`bench: --rounds ${values.rounds}: a whole number from 1 to 20`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'hafarm-bench-'));
const host = HOSTS[providerName]!();
const labFile = join(work, 'lab.yaml');
writeFileSync(labFile, host.labText(readFileSync(new URL('../lab.yaml', import.meta.url), 'utf8')));
const lab = loadLab(labFile);
const state = new LabStateDir(join(work, 'state'));
const provider = createProvider(providerName as 'netns' | 'libvirt', lab, state);
const knownHosts = new KnownHosts(state.path('known_hosts'));
const shell = labMachines(provider, knownHosts);
const master = masterBalancer(lab).name;
const hostNames = lab.hosts.map((h) => h.name);

function log(line: string): void {
  console.log(`  ${line}`);
}

function report(what: string, value: string, note = ''): void {
  console.log(`${what.padEnd(34)} ${value.padEnd(12)} ${note}`);
}

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [(performance.now() - start) / 1000, result];
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await check()) return (performance.now() - start) / 1000;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${timeoutMs / 1000} s`);
}

async function provision(): Promise<[number, number]> {
  const endpoints = await provider.sshEndpoints();
  const options = { check: false, diff: false, limit: [], tags: [], forks: 5, knownHosts, secrets: loadSecrets(state) };
  const [time, outcome] = await seconds(() => runPlay(lab, tutorialPlaybook, endpoints, options, () => undefined));
  const failed = [...outcome.recap.values()].reduce((n, s) => n + s.failed + s.unreachable, 0);
  if (failed > 0) throw new Error(`provisioning failed on ${failed} host(s)`);
  return [time, [...outcome.recap.values()].reduce((n, s) => n + s.changed, 0)];
}

async function main(): Promise<void> {
  console.log(`bench — the tutorial farm (${lab.hosts.length} machines) on ${host.describe}; ${availableParallelism()} cores`);
  await host.prepare(log);
  await requirePrerequisites(provider);
  state.claim(lab, provider.name);
  const coldWhat = await host.forgetCache();
  const [cold] = await seconds(() => provider.up(() => undefined));
  report(`cold up (${coldWhat})`, `${cold.toFixed(1)} s`);
  await provider.destroy();
  const [warm] = await seconds(() => provider.up(() => undefined));
  report('warm up (cached)', `${warm.toFixed(2)} s`, providerName === 'netns' ? 'target ≤ 3 s' : `${(warm / lab.hosts.length).toFixed(0)} s a machine`);
  await host.afterUp(shell, hostNames);
  const [first, changedFirst] = await provision();
  report('first provision', `${first.toFixed(1)} s`, `${providerName === 'netns' ? 'target ≤ 25 s (ansible-playbook 50–59 s); ' : ''}changed=${changedFirst}`);
  const [noop, changedNoop] = await provision();
  report('no-op provision', `${noop.toFixed(3)} s`, `${providerName === 'netns' ? 'target ≤ 0.5 s (ansible-playbook 8–11 s); ' : ''}changed=${changedNoop}`);

  const vantage = chooseVantage(lab, provider, knownHosts, work);
  if ('problem' in vantage) throw new Error(vantage.problem);
  try {
    const siteAnswers = async () => (await vantage.client.get({ timeoutMs: 500 }))?.status === 200;
    const masterServes = async () => (await shell.holds(master, lab.vip.address)) && (await siteAnswers());
    await until(masterServes, 120_000);
    for (const name of hostNames) report(`memory ${name}`, `${host.memoryMiB(lab, name).toFixed(1)} MiB`, host.memoryNote);
    // Between rounds the master runs for deadtime + 2 keepalives: while Heartbeat starts it
    // advertises a longer deadtime in its status packets (dt=7000 ms for deadtime 5, measured),
    // so a master that dies in its first seconds is declared dead about 2 s later than usual.
    const rest = (lab.heartbeat.deadtime + 2 * lab.heartbeat.keepalive) * 1000;
    const failovers: string[] = [];
    const failbacks: string[] = [];
    // On the Vagrant providers the power commands take seconds themselves: shown in brackets.
    const figure = (total: number, command: number) => (command >= 0.5 ? `${total.toFixed(2)} (${command.toFixed(1)})` : total.toFixed(2));
    for (let round = 0; round < (rounds ?? host.rounds); round++) {
      const [off] = await seconds(() => shell.powerOff(master));
      failovers.push(figure(off + (await until(siteAnswers, 300_000)), off));
      const [on] = await seconds(() => shell.powerOn(master));
      failbacks.push(figure(on + (await until(masterServes, 600_000)), on));
      await new Promise((r) => setTimeout(r, rest));
    }
    report('failover (power off → answer)', `${failovers.join(' / ')} s`, `target ≤ deadtime + 0.5 = ${lab.heartbeat.deadtime + 0.5} s`);
    report('failback (power on → VIP back)', `${failbacks.join(' / ')} s`, lab.heartbeat.autoFailback ? 'auto_failback on' : 'auto_failback off');
    if (host.caveat) console.log(`\n${host.caveat}`);
  } finally {
    await vantage.close();
  }
}

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    shell.closeAll();
    await provider.destroy().catch((error: unknown) => console.error(`bench: destroying its lab failed: ${(error as Error).message}`));
    await host.cleanup(log).catch((error: unknown) => console.error(`bench: cleaning up failed: ${(error as Error).message}`));
    state.removeOwnEntries();
    rmSync(work, { recursive: true, force: true });
  });
