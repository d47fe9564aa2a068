// The farm's HA stack chosen in the definition (issue 15), on the namespace provider as root: a
// Heartbeat lab switched to keepalived by one line of ha.stack and back, each switch taking the
// other stack's daemon, package and files off the balancers; keepalived passing V1–V7, a second
// provision changing nothing, a balancer whose HAProxy died giving the VIP up, and the fast
// profile (VRRPv3, an advertisement every 0.1 s) passing V4–V7; and keepalived with three
// balancers, which Heartbeat refuses, failing over to the first backup and back.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEPALIVED_THREE_LAB, TUTORIAL_LAB } from '../helpers/cli.ts';
import {
  cli,
  e2eLabs,
  holdsVip,
  mustSucceed,
  recapOf,
  upAndProvisioned,
  waitFor,
  whoAnswers,
  type TestLab,
} from '../helpers/netns-lab.ts';

const labs = e2eLabs('stacks');
const L = labs.lab(TUTORIAL_LAB, 'ha');
const THREE = labs.lab(KEEPALIVED_THREE_LAB, 'h3');
const BALANCERS = ['haproxy1', 'haproxy2'];

beforeAll(() => labs.create());
afterAll(() => labs.destroy(), 300_000);

function runStack(lab: TestLab, stack: 'heartbeat' | 'keepalived'): void {
  const text = readFileSync(lab.file, 'utf8').replace(/\nha:\n {2}stack: \w+\n/, '\n');
  writeFileSync(lab.file, `${text.trimEnd()}\nha:\n  stack: ${stack}\n`);
}

/** The files each stack's role writes, and the folder its package brings. */
const FOOTPRINT = {
  heartbeat: { folder: '/etc/ha.d', files: ['/etc/ha.d/authkeys', '/etc/ha.d/ha.cf', '/etc/ha.d/haresources'] },
  keepalived: {
    folder: '/etc/keepalived',
    files: [
      '/etc/keepalived/haproxy-running',
      '/etc/keepalived/keepalived.conf',
      '/etc/rsyslog.d/hafarm-keepalived.conf',
    ],
  },
};

/** What of a stack a balancer has: its package installed, its process, hafarm's files for it, its package's folder. */
async function traces(lab: TestLab, host: string, stack: 'heartbeat' | 'keepalived'): Promise<string> {
  const { folder, files } = FOOTPRINT[stack];
  const line = `dpkg-query -W -f='\${db:Status-Abbrev}' ${stack} 2>/dev/null | grep -q '^ii' && echo package; pidof ${stack} >/dev/null && echo process; ls -d ${files.join(' ')} ${folder} 2>/dev/null; true`;
  return (await mustSucceed(lab, 'exec', host, line)).stdout.trim();
}

// (ls sorts its arguments)
const ALL = (stack: 'heartbeat' | 'keepalived') =>
  ['package', 'process', ...[...FOOTPRINT[stack].files, FOOTPRINT[stack].folder].sort()].join('\n');

/** A pcap as tcpdump reads it, VRRP decoded. */
function tcpdumpRead(file: string): string {
  return execFileSync('tcpdump', ['-nn', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

function passed(stdout: string): string[] {
  return [...stdout.matchAll(/^PASS (V\d)/gm)].map((m) => m[1]!);
}

describe('the HA stack, chosen by ha.stack', () => {
  it("starts as the tutorial's Heartbeat", async () => {
    await upAndProvisioned(L);
    for (const host of BALANCERS) expect(await traces(L, host, 'heartbeat'), host).toBe(ALL('heartbeat'));
  }, 900_000);

  it('switches to keepalived with lab:provision: Heartbeat leaves every balancer before keepalived starts, and the farm serves', async () => {
    runStack(L, 'keepalived');
    const provisioned = await mustSucceed(L, 'provision', '--json');
    for (const [host, stats] of Object.entries(recapOf(provisioned.stdout)))
      expect(stats, host).toMatchObject({ failed: 0, unreachable: 0 });
    expect(provisioned.stderr).toMatch(/^the farm serves: http:\/\/trabajoswap\.com\/ answers through haproxy1/m);
    for (const host of BALANCERS) {
      // its log stays, as the record of what it did; nothing else of it
      expect(await traces(L, host, 'heartbeat'), host).toBe('');
      expect(await traces(L, host, 'keepalived'), host).toBe(ALL('keepalived'));
    }
    expect(await holdsVip(L, 'haproxy1')).toBe(true);
    expect(await holdsVip(L, 'haproxy2')).toBe(false);
  }, 600_000);

  it('a second provision changes nothing on any host', async () => {
    const recap = recapOf((await mustSucceed(L, 'provision', '--json')).stdout);
    for (const [host, stats] of Object.entries(recap))
      expect(stats, host).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  }, 300_000);

  it('passes V1–V7 with keepalived, and the report says which stack it proved', async () => {
    const verified = await cli(L, 'verify');
    expect(passed(verified.stdout), verified.stdout).toEqual(['V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(verified.exitCode).toBe(0);
    expect(verified.stdout).toMatch(/^HA stack: keepalived \(VRRPv2, an advertisement every 1 s, preempt\)/m);
    expect(verified.stdout).toMatch(
      /haproxy2 \/var\/log\/keepalived\.log: \S+ haproxy2 Keepalived_vrrp\[\d+\]: \(VI_1\) Entering MASTER STATE/,
    );
    expect(verified.stdout).toContain('keepalived: only the member that holds the VIP announces itself');
    expect(readFileSync(`${L.state}/report/summary.md`, 'utf8')).toContain(
      'HA stack: keepalived (VRRPv2, an advertisement every 1 s, preempt).',
    );
    // the pcap is VRRP to the tools that read one (tcpdump here, Wireshark on a student's laptop)
    expect(tcpdumpRead(`${L.state}/report/heartbeat.pcap`)).toMatch(
      /10\.100\.100\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s/,
    );
  }, 900_000);

  it('moves the VIP off a balancer whose HAProxy died, and back once it runs again', async () => {
    await mustSucceed(L, 'exec', 'haproxy1', 'service haproxy stop');
    try {
      await waitFor('haproxy2 holds the VIP', () => holdsVip(L, 'haproxy2'), 15_000);
      expect(await holdsVip(L, 'haproxy1')).toBe(false);
      expect(await whoAnswers(L)).toMatch(/^web[123]$/);
    } finally {
      await mustSucceed(L, 'exec', 'haproxy1', 'service haproxy start');
    }
    await waitFor('haproxy1 holds the VIP again', () => holdsVip(L, 'haproxy1'), 15_000);
    const log = (
      await mustSucceed(L, 'exec', 'haproxy1', 'grep -E "VRRP_Script|Entering" /var/log/keepalived.log | tail -6')
    ).stdout;
    expect(log).toMatch(
      /VRRP_Script\(haproxy_running\) failed[\s\S]*Entering FAULT STATE[\s\S]*VRRP_Script\(haproxy_running\) succeeded/,
    );
  }, 120_000);

  it('runs the fast profile (VRRPv3, an advertisement every 0.1 s) after one provision, and passes V4–V7 with it', async () => {
    appendFileSync(L.file, 'keepalived:\n  version: 3\n  advert_int: 0.1\n');
    const recap = recapOf((await mustSucceed(L, 'provision', '--json')).stdout);
    expect(recap.haproxy1).toMatchObject({ changed: 2, failed: 0 });
    expect(recap.web1).toMatchObject({ changed: 0 });
    const verified = await cli(L, 'verify', '--only', 'V4,V5,V6');
    expect(passed(verified.stdout), verified.stdout).toEqual(['V4', 'V5', 'V6']);
    expect(verified.stdout).toMatch(
      /VRRPv3 advertisements \(IP protocol 112\) to 224\.0\.0\.18 for router 51: \d+ packets in the \d+ s before power off, every 0\.1 s/,
    );
    expect(tcpdumpRead(`${L.state}/report/heartbeat.pcap`)).toMatch(
      /10\.100\.100\.1 > 224\.0\.0\.18: VRRPv3, Advertisement, vrid 51, prio 150, intvl 10cs/,
    );
  }, 600_000);

  it('switches back to Heartbeat: keepalived leaves every balancer, and Heartbeat takes over again (V4)', async () => {
    runStack(L, 'heartbeat');
    const recap = recapOf((await mustSucceed(L, 'provision', '--json')).stdout);
    for (const [host, stats] of Object.entries(recap)) expect(stats, host).toMatchObject({ failed: 0, unreachable: 0 });
    for (const host of BALANCERS) {
      expect(await traces(L, host, 'keepalived'), host).toBe('');
      expect(await traces(L, host, 'heartbeat'), host).toBe(ALL('heartbeat'));
    }
    const verified = await cli(L, 'verify', '--only', 'V4');
    expect(passed(verified.stdout), verified.stdout).toEqual(['V4']);
    expect(verified.stdout).toMatch(/haproxy2 \/var\/log\/ha-log: .*node haproxy1: is dead/);
  }, 600_000);
});

describe('keepalived with three balancers', () => {
  it('keeps the VIP on exactly one of them: the first backup takes over from the master and gives it back (V4, V5)', async () => {
    await upAndProvisioned(THREE);
    const holders = async () =>
      (
        await Promise.all(['haproxy1', 'haproxy2', 'haproxy3'].map(async (h) => ((await holdsVip(THREE, h)) ? h : '')))
      ).filter(Boolean);
    expect(await holders()).toEqual(['haproxy1']);
    // (while the first provision starts them, before HAProxy runs, any balancer may hold the VIP a moment)
    const mark = (await mustSucceed(THREE, 'exec', 'haproxy3', 'stat -c %s /var/log/keepalived.log')).stdout.trim();
    const verified = await cli(THREE, 'verify', '--only', 'V4,V5');
    expect(passed(verified.stdout), verified.stdout).toEqual(['V4', 'V5']);
    expect(verified.stdout).toMatch(/^PASS V4 master balancer fails: haproxy2 took over the VIP/m);
    expect(await holders()).toEqual(['haproxy1']);
    // haproxy3, the second backup, stayed a backup throughout
    expect(
      (
        await mustSucceed(
          THREE,
          'exec',
          'haproxy3',
          `tail -c +${Number(mark) + 1} /var/log/keepalived.log | grep -c "Entering MASTER STATE" || true`,
        )
      ).stdout.trim(),
    ).toBe('0');
  }, 900_000);
});
