// lab:provision converges the farm, not only its files (issue 27), on the namespace provider as
// root with real Heartbeat and keepalived daemons. After its tasks it reads the lab's HA stack on
// every balancer (running, hearing its peers, the VIP on the master): a no-op provision reads and
// restarts nothing; a Heartbeat that runs but is deaf and silent on its link (its comm processes
// stopped, as haproxy1's was under QEMU's emulation after a link cut and restored) is restarted,
// and the provision says so; a VIP on the backup is taken off it; a cut and restored heartbeat
// link, which Heartbeat heals by restarting itself, is waited for and left alone. And a log file
// that is a directory or a symbolic link on the machine fails its task, naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync } from 'node:fs';
import { TUTORIAL_LAB } from '../helpers/cli.ts';
import {
  cli,
  e2eLabs,
  holdsVip,
  mustSucceed,
  recapOf,
  upAndProvisioned,
  waitFor,
  whoAnswers,
} from '../helpers/netns-lab.ts';

const labs = e2eLabs('converge');
const L = labs.lab(TUTORIAL_LAB, 'cv');

beforeAll(() => labs.create());
afterAll(() => labs.destroy(), 300_000);

const CONVERGED = (stack: string) => `T11 ${stack} running, hearing its peers, the VIP on haproxy1`;

/** The stack's convergence results of a --json provision, by balancer. */
function converged(stdout: string, stack = 'heartbeat'): Record<string, { status: string; message?: string }> {
  const events = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; host: string; task?: string; status: string; message?: string });
  return Object.fromEntries(
    events
      .filter((e) => e.event === 'task' && e.task === CONVERGED(stack))
      .map((e) => [e.host, { status: e.status, ...(e.message ? { message: e.message } : {}) }]),
  );
}

/**
 * The stack's master process on a balancer, the oldest of its name: a restart replaces it. Not
 * every process: Heartbeat forks short-lived children of its own, e.g. when its peer comes back.
 */
async function masterPid(host: string, process = 'heartbeat'): Promise<string> {
  return (await mustSucceed(L, 'exec', host, `pgrep -o -x ${process}`)).stdout.trim();
}

/** What a balancer's Heartbeat says of its peer. */
async function nodeStatus(host: string, peer: string): Promise<string> {
  return (await cli(L, 'exec', host, `cl_status nodestatus ${peer}`)).stdout.trim();
}

async function servesThroughMaster(): Promise<void> {
  expect(await holdsVip(L, 'haproxy1')).toBe(true);
  expect(await holdsVip(L, 'haproxy2')).toBe(false);
  expect(await whoAnswers(L)).toMatch(/^web[123]$/);
}

describe('lab:provision converges the HA stack', () => {
  it('reads Heartbeat on both balancers after the first provision, and a no-op provision restarts nothing', async () => {
    await upAndProvisioned(L);
    const before = [await masterPid('haproxy1'), await masterPid('haproxy2')];
    const again = await mustSucceed(L, 'provision', '--json');
    expect(converged(again.stdout)).toEqual({
      haproxy1: { status: 'ok', message: 'VIP on haproxy1, every peer heard' },
      haproxy2: { status: 'ok', message: 'VIP on haproxy1, every peer heard' },
    });
    for (const [host, stats] of Object.entries(recapOf(again.stdout)))
      expect(stats, host).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect([await masterPid('haproxy1'), await masterPid('haproxy2')]).toEqual(before);
    await servesThroughMaster();
  }, 900_000);

  it('restarts a Heartbeat that runs deaf and silent on its link, and says so', async () => {
    // Heartbeat's read and write processes stopped: its master process runs on, hearing nothing
    // and sending nothing, so haproxy2 takes the VIP, as in issue 27.
    await mustSucceed(L, 'exec', 'haproxy1', 'kill -STOP $(pgrep -f "heartbeat: (read|write):")');
    await waitFor('haproxy2 takes the VIP', () => holdsVip(L, 'haproxy2'), 60_000);
    await waitFor(
      "haproxy1's Heartbeat hears haproxy2 no more",
      async () => (await nodeStatus('haproxy1', 'haproxy2')) === 'dead',
      60_000,
    );
    const before = await masterPid('haproxy1');
    const provision = await mustSucceed(L, 'provision', '--json');
    const said = converged(provision.stdout);
    expect(said.haproxy1?.status).toBe('changed');
    expect(said.haproxy1?.message).toMatch(
      /^heard nothing from haproxy2 on eth2 \(cl_status nodestatus: dead\).*: Heartbeat restarted; VIP now on haproxy1 after \d+ s$/,
    );
    expect(said.haproxy2?.status).toBe('changed');
    expect(said.haproxy2?.message).toMatch(/held the VIP 192\.168\.1\.100, which is haproxy1's: Heartbeat restarted/);
    expect(recapOf(provision.stdout).haproxy1).toMatchObject({ changed: 1, failed: 0 });
    expect(provision.stderr).toMatch(/^the farm serves: http:\/\/trabajoswap\.com\/ answers through haproxy1/m);
    expect(await masterPid('haproxy1')).not.toBe(before);
    expect(await nodeStatus('haproxy1', 'haproxy2')).toBe('active');
    expect(await nodeStatus('haproxy2', 'haproxy1')).toBe('active');
    await servesThroughMaster();
  }, 300_000);

  it('takes a VIP off the backup, restarting Heartbeat there only', async () => {
    await mustSucceed(L, 'exec', 'haproxy2', 'ip addr add 192.168.1.100/24 dev eth1');
    const master = await masterPid('haproxy1');
    const provision = await mustSucceed(L, 'provision', '--json');
    const said = converged(provision.stdout);
    expect(said.haproxy1).toEqual({ status: 'ok', message: 'VIP on haproxy1, every peer heard' });
    expect(said.haproxy2).toEqual({
      status: 'changed',
      message: expect.stringMatching(
        /^held the VIP 192\.168\.1\.100, which is haproxy1's: Heartbeat restarted; VIP now on haproxy1 after \d+ s$/,
      ) as string,
    });
    expect(await masterPid('haproxy1')).toBe(master);
    await servesThroughMaster();
  }, 300_000);

  it('after lab:link haproxy2 heartbeat down and up, provisions a farm that serves through the master (the test:vms steps)', async () => {
    await mustSucceed(L, 'link', 'haproxy2', 'heartbeat', 'down');
    await waitFor('haproxy2 takes the VIP', () => holdsVip(L, 'haproxy2'), 60_000);
    await mustSucceed(L, 'link', 'haproxy2', 'heartbeat', 'up');
    const provision = await mustSucceed(L, 'provision');
    // Heartbeat heals a partition by restarting itself on both sides: provisioning gives it its
    // start-up time before it restarts anything (a restart run into Heartbeat's own was seen to
    // take 74 s); on this provider it has always healed by itself, under emulation not always.
    for (const host of ['haproxy1', 'haproxy2'])
      expect(provision.stdout).toMatch(
        new RegExp(`^(ok|changed): \\[${host}\\] heartbeat : ${CONVERGED('heartbeat')}`, 'm'),
      );
    expect(provision.stdout).toMatch(/^the farm serves: http:\/\/trabajoswap\.com\/ answers through haproxy1/m);
    await servesThroughMaster();
    expect(await nodeStatus('haproxy2', 'haproxy1')).toBe('active');
  }, 300_000);

  it('fails the task of a log file that is a directory or a symbolic link on the machine, naming the field', async () => {
    await mustSucceed(L, 'exec', 'haproxy1', 'mv /var/log/ha-log /var/log/ha-log.kept && mkdir /var/log/ha-log');
    const folder = await cli(L, 'provision');
    expect(folder.exitCode).toBe(1);
    expect(folder.stdout).toContain(
      'failed: [haproxy1] heartbeat : T5 heartbeat.logfile /var/log/ha-log: a file, not a directory or a symbolic link — heartbeat.logfile: /var/log/ha-log is a directory on haproxy1: Heartbeat would not keep its log there (allowed: the path of a regular file, or of no file yet, in existing directories, with no symbolic link on its way; remove what is in the way or set another heartbeat.logfile)',
    );
    await mustSucceed(
      L,
      'exec',
      'haproxy1',
      'rmdir /var/log/ha-log && mv /var/log/ha-log.kept /var/log/ha-log.target && ln -s ha-log.target /var/log/ha-log',
    );
    const link = await cli(L, 'provision');
    expect(link.exitCode).toBe(1);
    expect(link.stdout).toContain('heartbeat.logfile: /var/log/ha-log is a symbolic link on haproxy1');
    await mustSucceed(L, 'exec', 'haproxy1', 'rm /var/log/ha-log && mv /var/log/ha-log.target /var/log/ha-log');
    const fixed = await mustSucceed(L, 'provision', '--json');
    for (const [host, stats] of Object.entries(recapOf(fixed.stdout)))
      expect(stats, host).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  }, 300_000);

  it('with keepalived, whose members are read by their VIP, takes a VIP off the backup', async () => {
    appendFileSync(L.file, '\nha:\n  stack: keepalived\n');
    const switched = await mustSucceed(L, 'provision', '--json');
    expect(converged(switched.stdout, 'keepalived')).toEqual({
      haproxy1: { status: 'ok', message: 'VIP on haproxy1, every peer heard' },
      haproxy2: { status: 'ok', message: 'VIP on haproxy1, every peer heard' },
    });
    await mustSucceed(L, 'exec', 'haproxy2', 'ip addr add 192.168.1.100/24 dev eth1');
    const master = await masterPid('haproxy1', 'keepalived');
    const provision = await mustSucceed(L, 'provision', '--json');
    const said = converged(provision.stdout, 'keepalived');
    expect(said.haproxy1?.status).toBe('ok');
    expect(said.haproxy2?.message).toMatch(
      /^held the VIP 192\.168\.1\.100, which is haproxy1's: keepalived restarted; VIP now on haproxy1 after \d+ s$/,
    );
    expect(await masterPid('haproxy1', 'keepalived')).toBe(master);
    await servesThroughMaster();
  }, 300_000);
});
