// npm run bench [-- --provider netns|docker|libvirt[,…]] [--stacks a,b] [--rounds N] [--soak MINUTES]
// (as root, Linux): what a user waits for, on this machine. Several providers are benched one after
// another and their headline figures printed side by side at the end (provider-comparison.ts). Prints cold up (nothing cached), warm up
// (cached), first and no-op provision and memory per machine for the tutorial's farm, in this
// process and as typed (npm run -s lab:…, wall clock, beside Node's, npm's and OpenSSH's own
// times: scripts/bench/typed-commands.ts); then, for
// each HA stack (scripts/bench/stack-profiles.ts) in the same run, the provision that switches to
// it, memory per balancer, failover and failback as a client on the LAN sees them (min / median
// / max over the rounds) and the requests lost during failback; the fast profile also runs under
// steady load for --soak minutes, counting transitions nobody asked for. Asserts nothing.
// Uses a lab of its own (name "bench"), removed at the end, and at Ctrl-C, SIGTERM or the end of
// the npm run that started it (scripts/bench/bench-stop.ts); the user's labs are not touched.
// What differs between providers (host preparation, cache, memory, probe) is in scripts/bench/.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { farmPlaybook } from '../roles/playbook.ts';
import { runLabPlay } from '../roles/run-lab-play.ts';
import { haStackOf } from '../roles/components.ts';
import { loadLab } from '../lib/farm/load-lab.ts';
import { balancers, masterBalancer, type Lab } from '../lib/lab/model.ts';
import { requirePrerequisites } from '../lib/providers/select-provider.ts';
import { loadSecrets } from '../lib/farm/lab-secrets.ts';
import { linesSince, markLog } from '../lib/verify/log-window.ts';
import { chooseVantage } from '../lib/verify/vantage.ts';
import type { BenchHost } from './bench/bench-host.ts';
import { benchLab, TUTORIAL_LAB } from './bench/bench-lab.ts';
import { benchInChild, benchStop } from './bench/bench-stop.ts';
import { STACK_PROFILES, type StackProfile } from './bench/stack-profiles.ts';
import { measureFirstProvision, measureTypedCommands } from './bench/typed-commands.ts';
import { releaseHeldConnections } from '../lib/cli/held-connections.ts';
import {
  CLIENT_PROBE,
  NAMESPACE_PROBE,
  PROBE_TIMEOUT_MS,
  clientProbe,
  epochMs,
  lostIn,
  outageSeconds,
  spread,
  type VipProbe,
} from './bench/vip-probe.ts';
import { dockerBenchHost } from './bench/docker-bench-host.ts';
import { libvirtBenchHost } from './bench/libvirt-bench-host.ts';
import { netnsBenchHost } from './bench/netns-bench-host.ts';
import {
  figuresFile,
  printComparison,
  providerRuns,
  writeFigures,
  type ProviderFigures,
} from './bench/provider-comparison.ts';

const HOSTS: Record<string, () => BenchHost> = {
  netns: netnsBenchHost,
  docker: dockerBenchHost,
  libvirt: libvirtBenchHost,
};

const { values } = parseArgs({
  options: {
    provider: { type: 'string', default: 'netns' },
    rounds: { type: 'string' },
    stacks: { type: 'string' },
    soak: { type: 'string' },
    figures: { type: 'string' },
  },
});
const providerNames = values.provider!.split(',');
const unknownProvider = providerNames.find((name) => !(name in HOSTS));
if (unknownProvider !== undefined || new Set(providerNames).size !== providerNames.length) {
  console.error(
    `bench: --provider ${values.provider}: ${unknownProvider === undefined ? 'a provider named twice' : `${unknownProvider} is not measured here`} (allowed: one or more of ${Object.keys(HOSTS).join(', ')}, comma-separated)`,
  );
  process.exit(2);
}

// The bench runs in a child process of its own, one per provider (bench-stop.ts): this one only
// passes signals on, and prints the providers' figures side by side once they all ran.
if (providerNames.length > 1) {
  if (values.figures !== undefined) {
    console.error(
      'bench: --figures names where one provider writes its figures: not with several (they are printed side by side)',
    );
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'hafarm-bench-figures-'));
  // also when a run fails or is stopped (benchInChild then exits at once)
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  benchInChild(import.meta.url, providerRuns(process.argv.slice(2), providerNames, dir), () => {
    printComparison(providerNames.map((name) => figuresFile(dir, name)));
  });
  await new Promise<never>(() => undefined);
}
if (benchInChild(import.meta.url)) await new Promise<never>(() => undefined);
const providerName = providerNames[0]!;
const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) {
  console.error(`bench: --rounds ${values.rounds}: a whole number from 1 to 20`);
  process.exit(2);
}

const profileNames = values.stacks?.split(',') ?? STACK_PROFILES.map((p) => p.name);
const unknownProfile = profileNames.find((name) => !STACK_PROFILES.some((p) => p.name === name));
if (unknownProfile !== undefined || profileNames.length === 0) {
  console.error(
    `bench: --stacks ${values.stacks}: a comma-separated list of ${STACK_PROFILES.map((p) => p.name).join(', ')}`,
  );
  process.exit(2);
}
const profiles = STACK_PROFILES.filter((p) => profileNames.includes(p.name));
const soakMinutes = values.soak === undefined ? 10 : Number(values.soak);
if (!(Number.isFinite(soakMinutes) && soakMinutes >= 0 && soakMinutes <= 120)) {
  console.error(`bench: --soak ${values.soak}: minutes from 0 (no soak) to 120`);
  process.exit(2);
}

const stop = benchStop('bench');
const host = HOSTS[providerName]!();
const { work, labFile, lab, state, provider, knownHosts, shell, cleanUp } = benchLab(
  host,
  providerName as 'netns' | 'docker' | 'libvirt',
  stop,
);
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
    await stop.sleep(50);
  }
  throw new Error(`not within ${timeoutMs / 1000} s`);
}

async function provision(model: Lab): Promise<[number, number]> {
  const endpoints = await provider.sshEndpoints();
  const options = { check: false, diff: false, limit: [], tags: [], forks: 5, knownHosts, secrets: loadSecrets(state) };
  const [time, outcome] = await seconds(() =>
    runLabPlay(model, farmPlaybook(model), endpoints, options, () => undefined),
  );
  const failed = [...outcome.recap.values()].reduce((n, s) => n + s.failed + s.unreachable, 0);
  if (failed > 0) throw new Error(`provisioning failed on ${failed} host(s)`);
  return [time, [...outcome.recap.values()].reduce((n, s) => n + s.changed, 0)];
}

/** The bench's lab running one stack profile: the tutorial's definition and the profile's lines. */
function profileLab(profile: StackProfile): Lab {
  writeFileSync(labFile, `${host.labText(readFileSync(TUTORIAL_LAB, 'utf8')).trimEnd()}\n${profile.definition}`);
  return loadLab(labFile);
}

interface StackFigures {
  profile: StackProfile;
  lab: Lab;
  switchProvision: string;
  noop: string;
  memory: string;
  failovers: number[];
  /** the power command's own seconds, where it takes any */
  powerOff: number[];
  failbacks: number[];
  lost: { failed: number; total: number };
  soak?: string;
}

async function measureStack(
  profile: StackProfile,
  probeOf: () => VipProbe,
  siteAnswers: () => Promise<boolean>,
): Promise<StackFigures> {
  const model = profileLab(profile);
  const stack = haStackOf(model);
  log(`${profile.name}: ${stack.describe(model).en}`);
  const [switched, changed] = await provision(model);
  const [noop, noopChanged] = await provision(model);
  const masterServes = async () => (await shell.holds(master, model.vip.address)) && (await siteAnswers());
  await until(masterServes, 120_000);
  const memory = balancers(model)
    .map((h) => `${host.memoryMiB(model, h.name).toFixed(0)}`)
    .join(' / ');
  const figures: StackFigures = {
    profile,
    lab: model,
    switchProvision: `${switched.toFixed(1)} s (changed=${changed})`,
    noop: `${noop.toFixed(2)} s (changed=${noopChanged})`,
    memory: `${memory} MiB`,
    failovers: [],
    powerOff: [],
    failbacks: [],
    lost: { failed: 0, total: 0 },
  };
  // Between rounds the master runs a detection time and 2 s more: Heartbeat advertises a longer
  // deadtime while it starts (dt=7000 ms for deadtime 5, measured), so a master that dies in its
  // first seconds is declared dead later than usual.
  const rest = (stack.detectionSeconds(model) + 2) * 1000;
  for (let round = 0; round < (rounds ?? host.rounds); round++) {
    const probe = probeOf();
    try {
      await until(async () => probe.samples.some((s) => s.ok), 30_000);
      const offAt = epochMs();
      const [off] = await seconds(() => shell.powerOff(master));
      await until(async () => probe.samples.some((s) => s.sent > offAt + off * 1000 && s.ok), 300_000);
      // the requests sent before that answer, and left unanswered, end only at their timeout
      await stop.sleep(PROBE_TIMEOUT_MS + 100);
      figures.failovers.push(outageSeconds(probe.samples, offAt)!);
      figures.powerOff.push(off);
      const onAt = epochMs();
      const [on] = await seconds(() => shell.powerOn(master));
      const back = on + (await until(masterServes, 600_000));
      figures.failbacks.push(back);
      // the requests sent until a second after the master serves again (the wait lets the last
      // of them end at their timeout): none should be lost
      await stop.sleep(2000);
      const lost = lostIn(probe.samples, onAt, onAt + (back + 1) * 1000);
      figures.lost.failed += lost.failed;
      figures.lost.total += lost.total;
    } finally {
      await probe.stop();
    }
    await stop.sleep(rest);
  }
  if (profile.soak && soakMinutes > 0) figures.soak = await soak(model, probeOf);
  return figures;
}

/** Steady load for --soak minutes: failed requests, and takeovers in the stack's logs (none is asked for). */
async function soak(model: Lab, probeOf: () => VipProbe): Promise<string> {
  const stack = haStackOf(model);
  const marks = await Promise.all(balancers(model).map((h) => markLog(shell, h.name, stack.logFile(model))));
  log(`steady load for ${soakMinutes} min`);
  const probe = probeOf();
  try {
    await stop.sleep(soakMinutes * 60_000);
  } finally {
    await probe.stop();
  }
  const failed = probe.samples.filter((s) => !s.ok).length;
  let transitions = 0;
  for (const mark of marks) {
    const takeover = stack.takeover(model, master);
    transitions += (await linesSince(shell, mark, takeover.pattern)).filter((line) => takeover.proves(line)).length;
  }
  return `${soakMinutes} min, ${probe.samples.length} requests: ${failed} failed, ${transitions} takeovers`;
}

/** The headline figures, for the side-by-side table of a run over several providers. */
const figures: ProviderFigures = {
  provider: providerName,
  describe: host.describe,
  coldUp: '',
  warmUp: '',
  firstProvision: '',
  noopProvision: '',
  memory: {},
  memoryNote: host.memoryNote,
  stacks: {},
};

async function main(): Promise<void> {
  console.log(
    `bench — the tutorial farm (${lab.hosts.length} machines) on ${host.describe}; ${availableParallelism()} cores`,
  );
  await host.prepare(log);
  await requirePrerequisites(provider);
  state.claim(lab, provider.name);
  const coldWhat = await host.forgetCache();
  const [cold] = await seconds(() => provider.up(() => undefined));
  report(`cold up (${coldWhat})`, `${cold.toFixed(1)} s`);
  figures.coldUp = `${cold.toFixed(1)} s (${coldWhat})`;
  await provider.destroy();
  const [warm] = await seconds(() => provider.up(() => undefined));
  figures.warmUp = `${warm.toFixed(2)} s`;
  report(
    'warm up (cached)',
    `${warm.toFixed(2)} s`,
    providerName === 'netns' ? 'target ≤ 3 s' : `${(warm / lab.hosts.length).toFixed(0)} s a machine`,
  );
  await host.afterUp(shell, hostNames);
  const [first, changedFirst] = await provision(lab);
  figures.firstProvision = `${first.toFixed(1)} s`;
  report(
    'first provision',
    `${first.toFixed(1)} s`,
    `${providerName === 'netns' ? 'target ≤ 25 s (ansible-playbook 50–59 s); ' : ''}changed=${changedFirst}`,
  );
  const [noop, changedNoop] = await provision(lab);
  figures.noopProvision = `${noop.toFixed(3)} s`;
  report(
    'no-op provision',
    `${noop.toFixed(3)} s`,
    `${providerName === 'netns' ? 'target ≤ 0.5 s (ansible-playbook 8–11 s); ' : ''}changed=${changedNoop}`,
  );
  console.log('(in this process, as the engine runs them: connections made anew, no start-up, no npm)');
  const typed = { labFile, stateDir: state.dir, web: 'web1' };
  const times = providerName === 'netns' ? 7 : 3;
  await measureTypedCommands(typed, times);
  await measureFirstProvision(typed, providerName === 'netns' ? 3 : 1, async () => {
    await releaseHeldConnections(state);
    shell.closeAll();
    await provider.destroy();
    // the machines made again have new host keys: as lab:destroy removes known_hosts
    for (const name of hostNames) knownHosts.forget(name);
    await provider.up(() => undefined);
    await host.afterUp(shell, hostNames);
  });

  const vantage = chooseVantage(lab, provider, knownHosts, work);
  if ('problem' in vantage) throw new Error(vantage.problem);
  try {
    const siteAnswers = async () => (await vantage.client.get({ timeoutMs: 500 }))?.status === 200;
    await until(async () => (await shell.holds(master, lab.vip.address)) && (await siteAnswers()), 120_000);
    for (const name of hostNames) {
      figures.memory[name] = `${host.memoryMiB(lab, name).toFixed(1)} MiB`;
      report(`memory ${name}`, figures.memory[name], host.memoryNote);
    }
    const probeOf = () => host.probe?.(lab) ?? clientProbe(vantage.client);
    console.log(
      `\nHA stacks, ${rounds ?? host.rounds} rounds each: the master powered off and on again under requests through the VIP (${host.probe ? NAMESPACE_PROBE : CLIENT_PROBE})`,
    );
    const all: StackFigures[] = [];
    for (const profile of profiles) all.push(await measureStack(profile, probeOf, siteAnswers));
    printStacks(all);
    for (const f of all)
      figures.stacks[f.profile.name] = {
        failover: `${spread(f.failovers)} s`,
        failback: `${spread(f.failbacks)} s`,
        lost: `${f.lost.failed} of ${f.lost.total}`,
      };
    if (values.figures) writeFigures(values.figures, figures);
    if (host.caveat) console.log(`\n${host.caveat}`);
  } finally {
    await vantage.close();
  }
}

/** One column per stack profile, one row per figure: what issue 15 asks to compare. */
function printStacks(all: StackFigures[]): void {
  const slowPower = all.some((f) => f.powerOff.some((s) => s >= 0.5));
  const rows: Array<[string, (f: StackFigures) => string]> = [
    ['stack', (f) => haStackOf(f.lab).describe(f.lab).en],
    ['provision switching to it', (f) => f.switchProvision],
    ['no-op provision', (f) => f.noop],
    [`memory per balancer (${host.memoryNote})`, (f) => f.memory],
    ["detection (the stack's own)", (f) => `${haStackOf(f.lab).detectionSeconds(f.lab).toFixed(3)} s`],
    ['failover min / median / max', (f) => `${spread(f.failovers)} s`],
    [
      'failover target',
      (f) => (slowPower ? 'none: the power command takes seconds' : `≤ ${f.profile.target(f.lab).toFixed(2)} s`),
    ],
    ...(slowPower
      ? [
          ['power off command', (f: StackFigures) => `${spread(f.powerOff, 1)} s`] as [
            string,
            (f: StackFigures) => string,
          ],
        ]
      : []),
    ['failback (power on → VIP back)', (f) => `${spread(f.failbacks)} s`],
    ['requests lost during failback', (f) => `${f.lost.failed} of ${f.lost.total}`],
    ['steady load', (f) => f.soak ?? '–'],
  ];
  console.log();
  console.log(`| | ${all.map((f) => f.profile.name).join(' | ')} |`);
  console.log(`|---|${all.map(() => '---').join('|')}|`);
  for (const [what, value] of rows) console.log(`| ${what} | ${all.map(value).join(' | ')} |`);
}

await stop.run(main, () => cleanUp(log));
