// Links as a provider operation on the namespace provider, as root (issue 16, item 1): lab:link
// cuts a balancer's heartbeat link (its interface loses its carrier) and restores it, drops a
// share of its packets each way and clears that, delays them where this host's kernel has netem
// (and says so where it has not), and lab:status lists what is not in its normal state.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../lib/farm/load-lab.ts';
import { netnsNames } from '../../lib/providers/netns/names.ts';
import { TUTORIAL_LAB } from '../helpers/cli.ts';
import { cli, e2eLabs, mustSucceed, upAndProvisioned, waitFor } from '../helpers/netns-lab.ts';

const labs = e2eLabs('link');
const L = labs.lab(TUTORIAL_LAB, 'lk');

beforeAll(() => labs.create());
afterAll(() => labs.destroy(), 300_000);

/** haproxy2's heartbeat interface as the machine sees it: "UP" or "DOWN", with its flags. */
async function insideState(): Promise<string> {
  return (await mustSucceed(L, 'exec', 'haproxy2', 'ip -br link show eth2')).stdout;
}

/** The packets haproxy2's loss rules dropped coming in, read in its network namespace. */
function droppedIn(): number {
  const rules = execFileSync(
    'ip',
    [
      'netns',
      'exec',
      netnsNames(loadLab(L.file)).namespace('haproxy2'),
      'iptables',
      '-w',
      '-L',
      'INPUT',
      '-v',
      '-n',
      '-x',
    ],
    { encoding: 'utf8' },
  );
  const line = rules.split('\n').find((l) => l.includes('hafarm-link'));
  return line ? Number(line.trim().split(/\s+/)[0]) : -1;
}

/** Whether this host's kernel has netem, tried in a namespace of the test's own. */
function hostHasNetem(): boolean {
  const ns = `hfnetem${process.pid % 10000}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    return (
      spawnSync('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'])
        .status === 0
    );
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}

describe('lab:link on the namespace provider', () => {
  it("shows a machine's links, all in their normal state after provisioning", async () => {
    await upAndProvisioned(L);
    expect((await mustSucceed(L, 'link', 'haproxy2')).stdout).toBe('haproxy2 lan: up\nhaproxy2 heartbeat: up');
    expect((await mustSucceed(L, 'status')).stdout).not.toContain('not in their normal state');
  }, 900_000);

  it("cuts a link, as a pulled cable: the machine's interface loses its carrier, and lab:status says so", async () => {
    expect((await mustSucceed(L, 'link', 'haproxy2', 'heartbeat', 'down')).stdout).toBe(
      'haproxy2 heartbeat: down (cut) (not its normal state)',
    );
    expect(await insideState()).toMatch(/^eth2\S*\s+DOWN\s.*NO-CARRIER/);
    expect((await mustSucceed(L, 'status')).stdout).toMatch(
      /links not in their normal state .*\n {2}haproxy2 heartbeat: down \(cut\) \(not its normal state\)/,
    );
    expect((await mustSucceed(L, 'link', 'haproxy2', 'heartbeat', 'up')).stdout).toBe('haproxy2 heartbeat: up');
    expect(await insideState()).toMatch(/^eth2\S*\s+UP\s/);
    expect((await mustSucceed(L, 'status')).stdout).not.toContain('not in their normal state');
  }, 120_000);

  it('drops a share of its packets each way, and clears that', async () => {
    expect((await mustSucceed(L, 'link', 'haproxy2', 'heartbeat', 'loss', '100%')).stdout).toBe(
      'haproxy2 heartbeat: up, 100% loss (not its normal state)',
    );
    // haproxy1 broadcasts a heartbeat every second: they are dropped as they come in. After the
    // cut and restore above both Heartbeats restart (they send nothing for some seconds; seen
    // once in CI, 3 s after the loss was set): the drops are awaited, not assumed after 3 s.
    await waitFor("haproxy1's heartbeats dropped by haproxy2", async () => droppedIn() > 0, 30_000);
    expect(droppedIn()).toBeGreaterThan(0);
    expect((await mustSucceed(L, 'link', 'haproxy2', 'heartbeat', 'loss', '30%')).stdout).toBe(
      'haproxy2 heartbeat: up, 30% loss (not its normal state)',
    );
    expect((await mustSucceed(L, 'link', 'haproxy2', 'heartbeat', 'clear')).stdout).toBe('haproxy2 heartbeat: up');
    expect(droppedIn()).toBe(-1);
  }, 120_000);

  it("delays its packets where this host's kernel has netem, and says why not where it has not", async () => {
    const result = await cli(L, 'link', 'haproxy2', 'heartbeat', 'delay', '200ms');
    if (hostHasNetem()) {
      expect(result.stdout).toBe('haproxy2 heartbeat: up, 200 ms delay (not its normal state)');
      expect((await mustSucceed(L, 'link', 'haproxy2', 'heartbeat', 'clear')).stdout).toBe('haproxy2 heartbeat: up');
    } else {
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe(
        "hafarm: delay: this host's kernel has no netem (the sch_netem module), which holds the packets; load it (modprobe sch_netem) or degrade the link with loss only, which needs none",
      );
      expect((await mustSucceed(L, 'link', 'haproxy2', 'heartbeat')).stdout).toBe('haproxy2 heartbeat: up');
    }
  }, 60_000);

  it('refuses a network the machine is not on, and a machine that is not running', async () => {
    const web = await cli(L, 'link', 'web1', 'heartbeat', 'down');
    expect([web.exitCode, web.stderr]).toEqual([
      1,
      'hafarm: web1 is not on the heartbeat network: only the balancers are',
    ]);
    await mustSucceed(L, 'halt', 'web2');
    const off = await cli(L, 'link', 'web2', 'lan', 'down');
    expect([off.exitCode, off.stderr]).toEqual([
      1,
      'hafarm: web2 is not running (npm run lab:start -- web2): its links exist only while it runs',
    ]);
    await mustSucceed(L, 'start', 'web2');
  }, 120_000);
});
