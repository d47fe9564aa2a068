// That lab:verify detects what it must, on the tutorial farm on Linux namespaces, as root: a host
// without tcpdump fails V6 naming it; each broken farm (no ip_nonlocal_bind on the backup, Heartbeat
// on the LAN, a web server down, HAProxy without health checks) fails its checks with the reason,
// and lab:provision repairs it. Each case starts from a farm that passes: the one before repaired it.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUTORIAL_LAB, hafarm } from '../helpers/cli.ts';
import { cli, e2eLabs, haproxyStatus, mustSucceed, recapOf, upAndProvisioned, waitFor } from '../helpers/netns-lab.ts';

const labs = e2eLabs('detects');
const A = labs.lab(TUTORIAL_LAB, 'd');

beforeAll(async () => {
  labs.create();
  await upAndProvisioned(A);
}, 900_000);
// Clean up even when a test failed half way.
afterAll(() => labs.destroy(), 300_000);

// As root on Linux: npm test's first step refuses to run the suite anywhere else, never a skip.
describe('lab:verify on the tutorial farm on Linux namespaces detects a broken farm', () => {
  it('lab:verify without tcpdump on the host fails V6 naming it, passes the others and writes the whole report', async () => {
    // This host's programs, less tcpdump: what a host where nobody installed it looks like.
    const bin = join(A.dir, 'bin-without-tcpdump');
    mkdirSync(bin, { recursive: true });
    for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
      if (!existsSync(dir) || lstatSync(dir).isSymbolicLink()) continue;
      for (const name of readdirSync(dir))
        if (name !== 'tcpdump' && !existsSync(join(bin, name))) symlinkSync(join(dir, name), join(bin, name));
    }
    const result = await hafarm(['verify', '--lab', A.file, '--state', A.state, '--only', 'V1,V6,V2'], {
      cwd: A.dir,
      env: { PATH: bin },
    });
    const said = `${result.stdout}\n${result.stderr}`;
    expect(result.exitCode, said).toBe(1);
    expect(result.stdout).toMatch(/^PASS V1 /m);
    expect(result.stdout).toMatch(/^PASS V2 /m);
    expect(result.stdout).toMatch(
      /^FAIL V6 .*: the check could not run: this host has no tcpdump, which the captures on the lab's bridges need: lab:up installs it, or apt-get install tcpdump$/m,
    );
    expect(said).not.toMatch(/unexpected error|\n\s+at /);
    const summary = readFileSync(join(A.state, 'report', 'summary.md'), 'utf8');
    expect(summary).toContain('2 passed, 1 failed');
    for (const id of ['V1', 'V2', 'V6']) expect(summary).toMatch(new RegExp(`^\\| ${id} `, 'm'));
    expect((await mustSucceed(A, 'status')).stdout.match(/running/g)).toHaveLength(5);
  }, 300_000);

  it('lab:verify fails V4 with its reason when the backup cannot bind the VIP, and provision repairs it', async () => {
    await cli(
      A,
      'exec',
      'haproxy2',
      'sysctl -q -w net.ipv4.ip_nonlocal_bind=0; service haproxy stop; service haproxy start; true',
    );
    const broken = await cli(A, 'verify', '--only', 'V4');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(
      /^FAIL V4 master balancer fails: after powering haproxy1 off no standby served the VIP/m,
    );
    expect((await mustSucceed(A, 'status')).stdout.match(/running/g)).toHaveLength(5);
    const repaired = recapOf((await mustSucceed(A, 'provision', '--json')).stdout);
    expect(repaired.haproxy2!.changed).toBeGreaterThan(0);
    expect((await mustSucceed(A, 'verify', '--only', 'V1')).stdout).toMatch(/^PASS V1 /m);
  }, 300_000);

  it('lab:verify fails V6 when Heartbeat broadcasts on the LAN instead of the heartbeat network, and provision repairs it', async () => {
    for (const host of ['haproxy1', 'haproxy2'])
      await cli(
        A,
        'exec',
        host,
        "sed -i 's/^bcast .*/bcast eth1/' /etc/ha.d/ha.cf && service heartbeat restart >/dev/null 2>&1; true",
      );
    const broken = await cli(A, 'verify', '--only', 'V6');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(
      /^FAIL V6 .*V6: haproxy1 announced itself \(UDP broadcasts to [0-9.]+:694\) every second in only 0% of the time before power off/m,
    );
    const repaired = recapOf((await mustSucceed(A, 'provision', '--json')).stdout);
    expect(repaired.haproxy1!.changed).toBeGreaterThan(0);
    expect((await mustSucceed(A, 'verify', '--only', 'V6')).stdout).toMatch(/^PASS V6 /m);
  }, 300_000);

  it('lab:verify fails V1 and V2 when a web server does not answer, and provision repairs it', async () => {
    await cli(A, 'exec', 'web3', 'service nginx stop >/dev/null 2>&1; true');
    await waitFor('HAProxy marks web3 DOWN', async () => (await haproxyStatus(A)).get('web3') === 'DOWN', 30_000);
    const broken = await cli(A, 'verify', '--only', 'V1,V2');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(
      /^FAIL V1 round robin: not in turn: (web[12] ){8}web[12] \(expected web1, web2, web3 each once in every 3 requests, in the same order\) \(HAProxy's stats: web3 is DOWN\)$/m,
    );
    expect(broken.stdout).toMatch(/^FAIL V2 statistics page: web3 is DOWN$/m);
    expect(recapOf((await mustSucceed(A, 'provision', '--json')).stdout).web3!.changed).toBeGreaterThan(0);
    // HAProxy may still have web3 DOWN for a few seconds (rise 2 × inter 2 s): V1 waits for it.
    const repaired = await mustSucceed(A, 'verify', '--only', 'V1,V2');
    // web3 rejoins HAProxy's rotation, not necessarily in third place.
    expect(repaired.stdout).toMatch(/^PASS V1 round robin: 9 requests answered by (web[123], ){2}web[123] in turn/m);
    expect(repaired.stdout).toMatch(/^PASS V2 /m);
  }, 300_000);

  it('lab:verify fails V2 and V3 when HAProxy does not health-check the web servers, and provision repairs it', async () => {
    await cli(
      A,
      'exec',
      'haproxy1',
      "sed -i 's/ check$//' /etc/haproxy/haproxy.cfg && service haproxy reload >/dev/null 2>&1; true",
    );
    await waitFor(
      'HAProxy runs without checks',
      async () => (await haproxyStatus(A)).get('web2') === 'no check',
      30_000,
    );
    const broken = await cli(A, 'verify', '--only', 'V2,V3');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/^FAIL V2 statistics page: web1 is no check; web2 is no check; web3 is no check$/m);
    expect(broken.stdout).toMatch(
      /^FAIL V3 a web server goes down: not every web server is UP to begin with \(HAProxy's stats: web1 is no check, web2 is no check, web3 is no check\)$/m,
    );
    expect(recapOf((await mustSucceed(A, 'provision', '--json')).stdout).haproxy1!.changed).toBeGreaterThan(0);
    const repaired = await mustSucceed(A, 'verify', '--only', 'V3');
    expect(repaired.stdout).toMatch(
      /^PASS V3 a web server goes down: web2 DOWN \(L4(TOUT|CON)\) \d+\.\d+ s after power off \(limit 14 s: a 12 s health-check window \+ 2 s\), no request sent to it since/m,
    );
  }, 300_000);
});
