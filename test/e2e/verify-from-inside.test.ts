// lab:verify as the Vagrant providers run it, on a four-web farm on Linux namespaces, as root:
// requests from a web server, captures by tcpdump inside the machines over SSH, packet times moved
// to the controller's clock. It proves V1 to V7 from there, detects a broken farm from there, and
// refuses a client machine that one of its checks powers off.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOUR_WEB_LAB } from '../helpers/cli.ts';
import { cli, e2eLabs, mustSucceed, recapOf, upAndProvisioned } from '../helpers/netns-lab.ts';

const labs = e2eLabs('from-inside');
const B = labs.lab(FOUR_WEB_LAB, 'f');

beforeAll(async () => {
  labs.create();
  await upAndProvisioned(B);
}, 900_000);
// Clean up even when a test failed half way.
afterAll(() => labs.destroy(), 300_000);

// As root on Linux: npm test's first step refuses to run the suite anywhere else, never a skip.
describe('lab:verify --from a machine of a four-web farm on Linux namespaces', () => {
  it('lab:verify --from a web server proves V1 to V7 from inside the lab, as on the Vagrant providers', async () => {
    const result = await mustSucceed(B, 'verify', '--from', 'web4');
    expect(result.stdout).toMatch(
      /^requests from web4, captures inside web4 \(LAN\) and haproxy2 \(heartbeat network\)$/m,
    );
    for (const id of ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'])
      expect(result.stdout).toMatch(new RegExp(`^PASS ${id} `, 'm'));
    expect(result.stdout).toMatch(/^PASS V1 round robin: 12 requests answered by (web[1-4], ){3}web[1-4] in turn/m);
    expect(result.stdout).toContain('(captured on haproxy2 eth2)');
    expect(result.stdout).toContain('6 passed, 0 failed');
    const read = execFileSync('tcpdump', ['-r', join(B.state, 'report', 'lan-arp.pcap'), '-nn'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(read).toMatch(/ARP, (Request who-has 172\.20\.0\.100 tell 172\.20\.0\.100|Reply 172\.20\.0\.100 is-at)/);
    expect((await mustSucceed(B, 'status')).stdout.match(/running/g)).toHaveLength(6);
  }, 400_000);

  it('lab:verify --from a web server fails V6 when Heartbeat broadcasts on the LAN, and refuses a client that a check powers off', async () => {
    for (const host of ['haproxy1', 'haproxy2'])
      await cli(
        B,
        'exec',
        host,
        "sed -i 's/^bcast .*/bcast eth1/' /etc/ha.d/ha.cf && service heartbeat restart >/dev/null 2>&1; true",
      );
    const broken = await cli(B, 'verify', '--from', 'web4', '--only', 'V6');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(
      /^FAIL V6 .*V6: haproxy1 announced itself \(UDP broadcasts to [0-9.]+:694\) every second in only 0% of the time before power off/m,
    );
    expect(recapOf((await mustSucceed(B, 'provision', '--json')).stdout).haproxy1!.changed).toBeGreaterThan(0);
    // Provision restarted Heartbeat: V1 waits for the farm to settle, then passes.
    expect((await mustSucceed(B, 'verify', '--from', 'web4', '--only', 'V1')).stdout).toMatch(/^PASS V1 /m);
    const refused = await cli(B, 'verify', '--from', 'web2');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--from: web2 is the web server V3 powers off');
  }, 300_000);
});
