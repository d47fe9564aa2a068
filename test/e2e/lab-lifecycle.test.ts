// A lab's life on the namespace provider, as root (issue 5): up, provision, provision again with
// nothing to change, lab:exec's arguments, lab:capture, a second lab with another prefix and other
// subnets beside the first, and destroy leaving nothing behind, even without its bookkeeping.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUR_WEB_LAB, TUTORIAL_LAB } from '../helpers/cli.ts';
import { NOTHING, cli, e2eLabs, leftovers, mustSucceed, recapOf, waitFor, whoAnswers } from '../helpers/netns-lab.ts';

const labs = e2eLabs('lifecycle');
const A = labs.lab(TUTORIAL_LAB, 'la');
const B = labs.lab(FOUR_WEB_LAB, 'lb');

// The tests bring the labs up and destroy them: here only their definitions are written.
beforeAll(() => labs.create());
// Clean up even when a test failed half way.
afterAll(() => labs.destroy(), 300_000);

// As root on Linux: npm test's first step refuses to run the suite anywhere else, never a skip.
describe('a lab on Linux namespaces, from up to destroy', () => {
  it('comes up', async () => {
    await mustSucceed(A, 'up', '--provider', 'netns');
    const status = await mustSucceed(A, 'status');
    expect(status.stdout.match(/running/g)).toHaveLength(5);
  }, 900_000);

  it('is provisioned, serving when the command returns, and a second run changes nothing on any host', async () => {
    const provisioned = await mustSucceed(A, 'provision', '--json');
    // It waited for Heartbeat to put the VIP on the master: the site answers at once.
    expect(await whoAnswers(A)).toMatch(/^web[123]$/);
    expect(provisioned.stderr).toMatch(
      /^the farm serves: http:\/\/trabajoswap\.com\/ answers through haproxy1 \(\d+\.\d s\)$/m,
    );
    const first = recapOf(provisioned.stdout);
    for (const [host, stats] of Object.entries(first))
      expect(stats, host).toMatchObject({ failed: 0, unreachable: 0, connections: 1 });
    // one connection per host for both runs: the lab's connection holder kept the first run's
    const second = recapOf((await mustSucceed(A, 'provision', '--json')).stdout);
    for (const [host, stats] of Object.entries(second))
      expect(stats, host).toMatchObject({ changed: 0, failed: 0, unreachable: 0, connections: 0 });
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).toContain(
      `hold-connections --socket ${join(A.state, 'ssh', 'connections.sock')}`,
    );
  }, 900_000);

  it('--profile: every task of every host timed, slowest first, after the recap; in JSON before it', async () => {
    const text = (await mustSucceed(A, 'provision', '--profile', '--no-wait')).stdout;
    const profile = text.slice(text.indexOf('PROFILE (slowest first; 20 of '));
    expect(text.indexOf('PLAY RECAP')).toBeLessThan(text.indexOf('PROFILE'));
    const seconds = [...profile.matchAll(/^(\S+) {2}(\S+) : .* +(\d+\.\d\d) s$/gm)].map((m) => Number(m[3]));
    expect(seconds).toHaveLength(20);
    expect([...seconds].sort((a, b) => b - a)).toEqual(seconds);
    expect(profile).toMatch(/^haproxy1 {2}facts : connect and gather facts +\d+\.\d\d s$/m);
    expect(profile).toMatch(/^hosts: (\w+ \d+\.\d\d s, ){4}\w+ \d+\.\d\d s$/m);
    const lines = (await mustSucceed(A, 'provision', '--profile', '--json', '--no-wait')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; tasks?: Array<{ host: string; seconds: number }> });
    expect(lines.map((l) => l.event).slice(-2)).toEqual(['profile', 'recap']);
    const tasks = lines[lines.length - 2]!.tasks!;
    expect(tasks.length).toBe(lines.filter((l) => l.event === 'task').length + 5);
    expect(new Set(tasks.map((t) => t.host))).toEqual(new Set(['haproxy1', 'haproxy2', 'web1', 'web2', 'web3']));
  }, 120_000);

  it('runs on a machine exactly the arguments lab:exec was given (its own --help and a leading -- too), or one argument as a shell line', async () => {
    await mustSucceed(A, 'exec', 'haproxy2', 'rm', '-f', '/tmp/exec-argv');
    for (let i = 0; i < 2; i++) await mustSucceed(A, 'exec', 'haproxy2', 'sh', '-c', 'echo "a  b" >> /tmp/exec-argv');
    // (the CLI helper drops the final newline, as a shell's $(...) would)
    expect((await mustSucceed(A, 'exec', 'haproxy2', 'cat', '/tmp/exec-argv')).stdout).toBe('a  b\na  b');
    expect((await mustSucceed(A, 'exec', 'haproxy2', 'printf %s "$(hostname)" | tr a-z A-Z')).stdout).toBe('HAPROXY2');
    // Everything after HOST is the machine's: its --help, -h and options, and a -- right after HOST dropped.
    expect((await mustSucceed(A, 'exec', 'haproxy2', 'ls', '--help')).stdout).toMatch(/^Usage: ls /);
    expect((await mustSucceed(A, 'exec', 'haproxy2', 'sh', '-c', 'echo "$@"', 'sh', '-h', '--help')).stdout).toBe(
      '-h --help',
    );
    expect(
      (await mustSucceed(A, 'exec', 'haproxy2', '--', 'grep', '-c', '-e', 'haproxy2', '/etc/hosts')).stdout,
    ).toMatch(/^[1-9]\d*$/);
    const failing = await cli(A, 'exec', 'haproxy2', '--', 'sh', '-c', 'exit 3');
    expect(failing.exitCode).toBe(3);
  }, 60_000);

  it('lab:capture writes a pcap of a machine interface for --duration seconds', async () => {
    const out = join(A.dir, 'haproxy2-eth2.pcap');
    await mustSucceed(A, 'capture', 'haproxy2', 'eth2', '--duration', '3', '--out', out);
    expect(
      execFileSync('tcpdump', ['-r', out, '-nn'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ).toMatch(/> 10\.100\.100\.255\.694: UDP/);
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

  it('is destroyed, leaving no namespace, bridge, veth, mount, process or folder', async () => {
    await mustSucceed(A, 'destroy');
    expect(leftovers(A.file, A.state)).toEqual(NOTHING);
    // Lab B still runs; then it goes too, after losing its bookkeeping as a crash would.
    expect(await whoAnswers(B)).toMatch(/^web\d$/);
    rmSync(join(B.state, 'netns.json'));
    for (const host of readdirSync(join(B.state, 'machines'))) rmSync(join(B.state, 'machines', host, 'pid'));
    await mustSucceed(B, 'destroy');
    expect(leftovers(B.file, B.state)).toEqual(NOTHING);
  }, 300_000);
});
