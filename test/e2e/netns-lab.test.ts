// End to end on the namespace provider, as root (issue 5): up, provision, provision again with
// nothing to change, round robin from the client, the master balancer powered off and on again
// with the VIP moving over and back, a second lab with another prefix and other subnets beside
// the first, and destroy leaving nothing behind.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../lib/lab/load.ts';
import { netnsNames } from '../../lib/providers/netns/names.ts';
import { loadSecrets } from '../../lib/state/lab-secrets.ts';
import { LabStateDir } from '../../lib/state/lab-state.ts';
import { parseStatsCsv } from '../../lib/verify/haproxy-stats.ts';
import { FOUR_WEB_LAB, PROJECT_DIR, TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('e2e');

/** A copy of a lab definition under another name, so that the test's resources are its own. */
function labCopy(source: string, name: string): { file: string; state: string } {
  const file = join(scratch.dir, `${name}.yaml`);
  writeFileSync(file, readFileSync(source, 'utf8').replace(/^name: \w+$/m, `name: ${name}`));
  return { file, state: join(scratch.dir, `${name}-state`) };
}

const A = labCopy(TUTORIAL_LAB, `e2ea${process.pid % 1000}`);
const B = labCopy(FOUR_WEB_LAB, `e2eb${process.pid % 1000}`);

async function cli(lab: { file: string; state: string }, ...args: string[]) {
  // Options first: exec passes everything after the host name on to the machine.
  const [command, ...rest] = args;
  return hafarm([command!, '--lab', lab.file, '--state', lab.state, ...rest], { cwd: scratch.dir });
}

async function mustSucceed(lab: { file: string; state: string }, ...args: string[]) {
  const result = await cli(lab, ...args);
  expect(result.exitCode, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** The web server that answers one request to the site, from the lab's client namespace. */
async function whoAnswers(lab: { file: string }, timeoutSeconds = 2): Promise<string | undefined> {
  const model = loadLab(lab.file);
  const result = await execa('ip', ['netns', 'exec', netnsNames(model).clientNamespace, 'curl', '-s', '-m', String(timeoutSeconds), '--resolve', `${model.vip.name}:80:${model.vip.address}`, `http://${model.vip.name}/`], { reject: false });
  return /Bienvenido a nginx! \((\w+)\)/.exec(String(result.stdout))?.[1];
}

/** Each web server's status in HAProxy's stats CSV, read from the lab's client namespace. */
async function haproxyStatus(lab: { file: string; state: string }): Promise<Map<string, string>> {
  const model = loadLab(lab.file);
  const { statsPassword } = loadSecrets(new LabStateDir(lab.state));
  const url = `http://${model.vip.address}${model.haproxy.stats.uri};csv`;
  const result = await execa('ip', ['netns', 'exec', netnsNames(model).clientNamespace, 'curl', '-s', '-m', '2', '-u', `${model.haproxy.stats.user}:${statsPassword}`, url], { reject: false });
  const rows = parseStatsCsv(String(result.stdout)).filter((r) => r.pxname === model.haproxy.listen);
  return new Map(rows.map((r) => [r.svname ?? '', r.status ?? '']));
}

async function holdsVip(lab: { file: string; state: string }, host: string): Promise<boolean> {
  const model = loadLab(lab.file);
  const result = await cli(lab, 'exec', host, `ip -4 -o addr show | grep -c ' ${model.vip.address}/'`);
  return result.stdout.trim() === '1';
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

function recapOf(jsonLines: string): Record<string, { ok: number; changed: number; failed: number; unreachable: number; connections: number }> {
  const last = jsonLines.trim().split('\n').map((l) => JSON.parse(l) as { event: string; hosts?: never }).find((e) => e.event === 'recap');
  return last!.hosts!;
}

function leftovers(labFile: string, state: string) {
  const names = netnsNames(loadLab(labFile));
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(names.nsPrefix));
  const links = (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as Array<{ ifname: string }>).map((l) => l.ifname).filter((n) => n.startsWith(names.linkPrefix));
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => l.split(' ')[1]?.startsWith(state));
  const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(state));
  return { namespaces, links, mounts, processes, stateFolder: existsSync(state) };
}

const NOTHING = { namespaces: [], links: [], mounts: [], processes: [], stateFolder: false };

afterAll(async () => {
  // Clean up even when a test failed half way.
  for (const lab of [A, B]) await cli(lab, 'destroy');
  scratch.remove();
}, 300_000);

// As root on Linux: npm test's first step refuses to run the suite anywhere else, never a skip.
describe('the tutorial farm on Linux namespaces', () => {
  it('comes up', async () => {
    await mustSucceed(A, 'up', '--provider', 'netns');
    const status = await mustSucceed(A, 'status');
    expect(status.stdout.match(/running/g)).toHaveLength(5);
  }, 900_000);

  it('is provisioned, serving when the command returns, and a second run changes nothing on any host', async () => {
    const provisioned = await mustSucceed(A, 'provision', '--json');
    // It waited for Heartbeat to put the VIP on the master: the site answers at once.
    expect(await whoAnswers(A)).toMatch(/^web[123]$/);
    expect(provisioned.stderr).toMatch(/^the farm serves: http:\/\/trabajoswap\.com\/ answers through haproxy1 \(\d+\.\d s\)$/m);
    const first = recapOf(provisioned.stdout);
    for (const [host, stats] of Object.entries(first)) expect(stats, host).toMatchObject({ failed: 0, unreachable: 0 });
    const second = recapOf((await mustSucceed(A, 'provision', '--json')).stdout);
    for (const [host, stats] of Object.entries(second)) expect(stats, host).toMatchObject({ changed: 0, failed: 0, unreachable: 0, connections: 1 });
  }, 900_000);

  it('runs on a machine exactly the arguments lab:exec was given, or one argument as a shell line', async () => {
    await mustSucceed(A, 'exec', 'haproxy2', 'rm', '-f', '/tmp/exec-argv');
    for (let i = 0; i < 2; i++) await mustSucceed(A, 'exec', 'haproxy2', 'sh', '-c', 'echo "a  b" >> /tmp/exec-argv');
    // (the CLI helper drops the final newline, as a shell's $(...) would)
    expect((await mustSucceed(A, 'exec', 'haproxy2', 'cat', '/tmp/exec-argv')).stdout).toBe('a  b\na  b');
    expect((await mustSucceed(A, 'exec', 'haproxy2', 'printf %s "$(hostname)" | tr a-z A-Z')).stdout).toBe('HAPROXY2');
  }, 60_000);

  it('answers from web1, web2 and web3 in turn (V1)', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push((await whoAnswers(A)) ?? 'none');
    const start = answers.indexOf('web1');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(start).toBeLessThan(3);
    expect(answers.slice(start, start + 3)).toEqual(['web1', 'web2', 'web3']);
    expect(new Set(answers)).toEqual(new Set(['web1', 'web2', 'web3']));
    expect(await holdsVip(A, 'haproxy1')).toBe(true);
    expect(await holdsVip(A, 'haproxy2')).toBe(false);
  }, 120_000);

  it('fails over to haproxy2 when haproxy1 is powered off (V4)', async () => {
    await mustSucceed(A, 'halt', 'haproxy1');
    expect((await mustSucceed(A, 'status')).stdout).toMatch(/haproxy1\s+poweroff/);
    await waitFor('haproxy2 holds the VIP', () => holdsVip(A, 'haproxy2'), 30_000);
    await waitFor('the site answers through haproxy2', async () => (await whoAnswers(A, 1)) !== undefined, 15_000);
  }, 120_000);

  it('fails back to haproxy1 when it is powered on again (V5)', async () => {
    await mustSucceed(A, 'start', 'haproxy1');
    await waitFor('haproxy1 holds the VIP again', () => holdsVip(A, 'haproxy1'), 60_000);
    await waitFor('haproxy2 released it', async () => !(await holdsVip(A, 'haproxy2')), 30_000);
    await waitFor('the site answers', async () => (await whoAnswers(A, 1)) !== undefined, 15_000);
  }, 180_000);

  it('lab:verify proves V1 to V7 and leaves every machine running', async () => {
    const result = await mustSucceed(A, 'verify');
    for (const id of ['V1', 'V2', 'V3', 'V4', 'V5', 'V6']) expect(result.stdout).toMatch(new RegExp(`^PASS ${id} `, 'm'));
    expect(result.stdout).toContain('6 passed, 0 failed');
    // The report exists, with every verdict and the failover timeline.
    const html = readFileSync(join(A.state, 'report', 'index.html'), 'utf8');
    expect(html).toContain('6 passed, 0 failed');
    expect(readFileSync(join(A.state, 'report', 'timeline-V4.svg'), 'utf8')).toMatch(/haproxy1 powered off/);
    expect(readFileSync(join(A.state, 'report', 'summary.md'), 'utf8')).toContain('| V6 heartbeats on the wire');
    // haproxy1 was powered off once before (the V4 test above): only this run's "is dead" is evidence.
    expect(result.stdout.match(/haproxy2 \/var\/log\/ha-log: .*node haproxy1: is dead/g)).toHaveLength(1);
    // The pcaps are real captures that tcpdump reads back.
    const read = execFileSync('tcpdump', ['-r', join(A.state, 'report', 'heartbeat.pcap'), '-nn', '-c', '3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(read).toMatch(/10\.100\.100\.[12]\.\d+ > 10\.100\.100\.255\.694: UDP/);
    expect((await mustSucceed(A, 'status')).stdout.match(/running/g)).toHaveLength(5);
  }, 300_000);

  it('lab:verify without tcpdump on the host fails V6 naming it, passes the others and writes the whole report', async () => {
    // This host's programs, less tcpdump: what a host where nobody installed it looks like.
    const bin = join(scratch.dir, 'bin-without-tcpdump');
    mkdirSync(bin, { recursive: true });
    for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
      if (!existsSync(dir) || lstatSync(dir).isSymbolicLink()) continue;
      for (const name of readdirSync(dir)) if (name !== 'tcpdump' && !existsSync(join(bin, name))) symlinkSync(join(dir, name), join(bin, name));
    }
    const result = await hafarm(['verify', '--lab', A.file, '--state', A.state, '--only', 'V1,V6,V2'], { cwd: scratch.dir, env: { PATH: bin } });
    const said = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, said).toBe(1);
    expect(result.stdout).toMatch(/^PASS V1 /m);
    expect(result.stdout).toMatch(/^PASS V2 /m);
    expect(result.stdout).toMatch(/^FAIL V6 .*: the check could not run: this host has no tcpdump, which the captures on the lab's bridges need: npm run lab installs it, or apt-get install tcpdump$/m);
    expect(said).not.toMatch(/unexpected error|\n\s+at /);
    const summary = readFileSync(join(A.state, 'report', 'summary.md'), 'utf8');
    expect(summary).toContain('2 passed, 1 failed');
    for (const id of ['V1', 'V2', 'V6']) expect(summary).toMatch(new RegExp(`^\\| ${id} `, 'm'));
    expect((await mustSucceed(A, 'status')).stdout.match(/running/g)).toHaveLength(5);
  }, 300_000);

  it('lab:verify fails V4 with its reason when the backup cannot bind the VIP, and provision repairs it', async () => {
    await cli(A, 'exec', 'haproxy2', 'sysctl -q -w net.ipv4.ip_nonlocal_bind=0; service haproxy stop; service haproxy start; true');
    const broken = await cli(A, 'verify', '--only', 'V4');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/^FAIL V4 master balancer fails: after powering haproxy1 off no standby served the VIP/m);
    expect((await mustSucceed(A, 'status')).stdout.match(/running/g)).toHaveLength(5);
    const repaired = recapOf((await mustSucceed(A, 'provision', '--json')).stdout);
    expect(repaired.haproxy2!.changed).toBeGreaterThan(0);
    expect((await mustSucceed(A, 'verify', '--only', 'V1')).stdout).toMatch(/^PASS V1 /m);
  }, 300_000);

  it('lab:verify fails V6 when Heartbeat broadcasts on the LAN instead of the heartbeat network, and provision repairs it', async () => {
    for (const host of ['haproxy1', 'haproxy2']) await cli(A, 'exec', host, "sed -i 's/^bcast .*/bcast eth1/' /etc/ha.d/ha.cf && service heartbeat restart >/dev/null 2>&1; true");
    const broken = await cli(A, 'verify', '--only', 'V6');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/^FAIL V6 .*V6: haproxy1 announced itself \(UDP broadcasts to [0-9.]+:694\) every second in only 0% of the time before power off/m);
    const repaired = recapOf((await mustSucceed(A, 'provision', '--json')).stdout);
    expect(repaired.haproxy1!.changed).toBeGreaterThan(0);
    expect((await mustSucceed(A, 'verify', '--only', 'V6')).stdout).toMatch(/^PASS V6 /m);
  }, 300_000);

  it('lab:verify fails V1 and V2 when a web server does not answer, and provision repairs it', async () => {
    await cli(A, 'exec', 'web3', 'service nginx stop >/dev/null 2>&1; true');
    await waitFor('HAProxy marks web3 DOWN', async () => (await haproxyStatus(A)).get('web3') === 'DOWN', 30_000);
    const broken = await cli(A, 'verify', '--only', 'V1,V2');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/^FAIL V1 round robin: not in turn: (web[12] ){8}web[12] \(expected web1, web2, web3 each once in every 3 requests, in the same order\) \(HAProxy's stats: web3 is DOWN\)$/m);
    expect(broken.stdout).toMatch(/^FAIL V2 statistics page: web3 is DOWN$/m);
    expect(recapOf((await mustSucceed(A, 'provision', '--json')).stdout).web3!.changed).toBeGreaterThan(0);
    // HAProxy may still have web3 DOWN for a few seconds (rise 2 × inter 2 s): V1 waits for it.
    const repaired = await mustSucceed(A, 'verify', '--only', 'V1,V2');
    // web3 rejoins HAProxy's rotation, not necessarily in third place.
    expect(repaired.stdout).toMatch(/^PASS V1 round robin: 9 requests answered by (web[123], ){2}web[123] in turn/m);
    expect(repaired.stdout).toMatch(/^PASS V2 /m);
  }, 300_000);

  it('lab:verify fails V2 and V3 when HAProxy does not health-check the web servers, and provision repairs it', async () => {
    await cli(A, 'exec', 'haproxy1', "sed -i 's/ check$//' /etc/haproxy/haproxy.cfg && service haproxy reload >/dev/null 2>&1; true");
    await waitFor('HAProxy runs without checks', async () => (await haproxyStatus(A)).get('web2') === 'no check', 30_000);
    const broken = await cli(A, 'verify', '--only', 'V2,V3');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/^FAIL V2 statistics page: web1 is no check; web2 is no check; web3 is no check$/m);
    expect(broken.stdout).toMatch(/^FAIL V3 a web server goes down: not every web server is UP to begin with \(HAProxy's stats: web1 is no check, web2 is no check, web3 is no check\)$/m);
    expect(recapOf((await mustSucceed(A, 'provision', '--json')).stdout).haproxy1!.changed).toBeGreaterThan(0);
    const repaired = await mustSucceed(A, 'verify', '--only', 'V3');
    expect(repaired.stdout).toMatch(/^PASS V3 a web server goes down: web2 DOWN \(L4(TOUT|CON)\) \d+\.\d+ s after power off \(limit 14 s: a 12 s health-check window \+ 2 s\), no request sent to it since/m);
  }, 300_000);

  it('lab:verify interrupted (Ctrl-C) while haproxy1 is off powers it on again, lets the VIP settle and exits 130', async () => {
    const run = execa(process.execPath, [join(PROJECT_DIR, 'bin/hafarm.js'), 'verify', '--lab', A.file, '--state', A.state, '--only', 'V4'], { cwd: scratch.dir, reject: false, stdin: 'ignore' });
    try {
      await waitFor('haproxy1 powered off by V4', async () => /^ *haproxy1 +poweroff/m.test((await cli(A, 'status')).stdout), 60_000);
      run.kill('SIGINT');
      const result = await run;
      expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(130);
      expect(String(result.stderr)).toContain('SIGINT: stopping the checks');
      expect(String(result.stdout)).toContain('interrupted by SIGINT: the lab is as it was found');
    } finally {
      run.kill('SIGKILL');
    }
    expect((await mustSucceed(A, 'status')).stdout.match(/running/g)).toHaveLength(5);
    expect(await holdsVip(A, 'haproxy1')).toBe(true);
    expect(await whoAnswers(A)).toMatch(/^web[123]$/);
  }, 180_000);

  it('lab:capture writes a pcap of a machine interface for --duration seconds', async () => {
    const out = join(scratch.dir, 'haproxy2-eth2.pcap');
    await mustSucceed(A, 'capture', 'haproxy2', 'eth2', '--duration', '3', '--out', out);
    expect(execFileSync('tcpdump', ['-r', out, '-nn'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).toMatch(/> 10\.100\.100\.255\.694: UDP/);
  }, 60_000);

  it('runs a second lab with another prefix and other subnets beside the first', async () => {
    await mustSucceed(B, 'up', '--provider', 'netns');
    const recap = recapOf((await mustSucceed(B, 'provision', '--json')).stdout);
    expect(Object.keys(recap)).toHaveLength(6);
    for (const [host, stats] of Object.entries(recap)) expect(stats, host).toMatchObject({ failed: 0, unreachable: 0 });
    await waitFor('lab B answers', async () => (await whoAnswers(B)) !== undefined, 30_000);
    const answers = new Set<string>();
    for (let i = 0; i < 8; i++) answers.add((await whoAnswers(B)) ?? 'none');
    expect(answers).toEqual(new Set(['web1', 'web2', 'web3', 'web4']));
    // Lab A is untouched by lab B.
    expect(await whoAnswers(A)).toMatch(/^web[123]$/);
  }, 900_000);

  // What the Vagrant providers do, on lab B: requests from a web server, captures by tcpdump
  // inside the machines over SSH, packet times moved to the controller's clock.
  it('lab:verify --from a web server proves V1 to V7 from inside the lab, as on the Vagrant providers', async () => {
    const result = await mustSucceed(B, 'verify', '--from', 'web4');
    expect(result.stdout).toMatch(/^requests from web4, captures inside web4 \(LAN\) and haproxy2 \(heartbeat network\)$/m);
    for (const id of ['V1', 'V2', 'V3', 'V4', 'V5', 'V6']) expect(result.stdout).toMatch(new RegExp(`^PASS ${id} `, 'm'));
    expect(result.stdout).toMatch(/^PASS V1 round robin: 12 requests answered by (web[1-4], ){3}web[1-4] in turn/m);
    expect(result.stdout).toContain('(captured on haproxy2 eth2)');
    expect(result.stdout).toContain('6 passed, 0 failed');
    const read = execFileSync('tcpdump', ['-r', join(B.state, 'report', 'lan-arp.pcap'), '-nn'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(read).toMatch(/ARP, (Request who-has 172\.20\.0\.100 tell 172\.20\.0\.100|Reply 172\.20\.0\.100 is-at)/);
    expect((await mustSucceed(B, 'status')).stdout.match(/running/g)).toHaveLength(6);
  }, 400_000);

  it('lab:verify --from a web server fails V6 when Heartbeat broadcasts on the LAN, and refuses a client that a check powers off', async () => {
    for (const host of ['haproxy1', 'haproxy2']) await cli(B, 'exec', host, "sed -i 's/^bcast .*/bcast eth1/' /etc/ha.d/ha.cf && service heartbeat restart >/dev/null 2>&1; true");
    const broken = await cli(B, 'verify', '--from', 'web4', '--only', 'V6');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/^FAIL V6 .*V6: haproxy1 announced itself \(UDP broadcasts to [0-9.]+:694\) every second in only 0% of the time before power off/m);
    expect(recapOf((await mustSucceed(B, 'provision', '--json')).stdout).haproxy1!.changed).toBeGreaterThan(0);
    // Provision restarted Heartbeat: V1 waits for the farm to settle, then passes.
    expect((await mustSucceed(B, 'verify', '--from', 'web4', '--only', 'V1')).stdout).toMatch(/^PASS V1 /m);
    const refused = await cli(B, 'verify', '--from', 'web2');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--from: web2 is the web server V3 powers off');
  }, 300_000);

  it('is destroyed, leaving no namespace, bridge, veth, mount, process or folder', async () => {
    await mustSucceed(A, 'destroy');
    expect(leftovers(A.file, A.state)).toEqual(NOTHING);
    // Lab B still runs; then it goes too, after losing its bookkeeping as a crash would.
    expect(await whoAnswers(B)).toMatch(/^web\d$/);
    const { rmSync, readdirSync } = await import('node:fs');
    rmSync(join(B.state, 'netns.json'));
    for (const host of readdirSync(join(B.state, 'machines'))) rmSync(join(B.state, 'machines', host, 'pid'));
    await mustSucceed(B, 'destroy');
    expect(leftovers(B.file, B.state)).toEqual(NOTHING);
  }, 300_000);
});
