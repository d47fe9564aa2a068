// End to end on the namespace provider, as root (issue 14): a farm that differs from the tutorial
// in every field a check takes its expectation from (test/fixtures/labs/definition-driven.yaml:
// other page text, leastconn, cookie SERVERID insert, its own health checks, port and statistics
// page, four web servers) passes lab:verify; broken by hand in one of those fields on a machine,
// lab:verify fails saying why, and lab:provision repairs it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../lib/farm/load-lab.ts';
import { balancers, webServers } from '../../lib/lab/model.ts';
import { PROJECT_DIR } from '../helpers/cli.ts';
import { NOTHING, cli, e2eLabs, leftovers, mustSucceed, recapOf } from '../helpers/netns-lab.ts';

const FIXTURE = join(PROJECT_DIR, 'test/fixtures/labs/definition-driven.yaml');
const labs = e2eLabs('definition');
const L = labs.lab(FIXTURE, 'dd');
// The farm's shape (hosts and roles) is the fixture's; only the lab's name differs.
const lab = loadLab(FIXTURE);
const master = balancers(lab).find((h) => h.role === 'master')!.name;
const web = webServers(lab).map((h) => h.name);

beforeAll(() => labs.create());
// Clean up even when a test failed half way, checking that nothing is left.
afterAll(() => labs.destroy(), 300_000);

describe('a farm that differs from the tutorial in every field a check expects something of', () => {
  it('comes up and is provisioned with what its definition says', async () => {
    await mustSucceed(L, 'up', '--provider', 'netns');
    const provisioned = recapOf((await mustSucceed(L, 'provision', '--json')).stdout);
    expect(Object.keys(provisioned)).toHaveLength(lab.hosts.length);
    for (const [host, stats] of Object.entries(provisioned))
      expect(stats, host).toMatchObject({ failed: 0, unreachable: 0 });
    const cfg = (await mustSucceed(L, 'exec', master, 'cat', '/etc/haproxy/haproxy.cfg')).stdout;
    for (const line of [
      'bind 172.23.0.50:8080',
      'balance leastconn',
      'cookie SERVERID insert',
      'stats uri /estadisticas',
    ])
      expect(cfg).toContain(`    ${line}\n`);
    expect(cfg.split('\n').filter((l) => l.trim().startsWith('server '))).toEqual(
      web.map((w, i) => `    server ${w} 172.23.0.2${i + 1}:80 cookie ${'ABCD'[i]} check inter 1s fall 2 rise 3`),
    );
    expect((await mustSucceed(L, 'exec', 'www3', 'cat', '/var/www/html/index.html')).stdout).toContain(
      '<h1>Hola desde &lt;www3&gt; &amp; compañía</h1>',
    );
  }, 900_000);

  it('passes lab:verify, each check proving what the definition says', async () => {
    const result = await mustSucceed(L, 'verify');
    const out = result.stdout;
    expect(out).toContain('6 passed, 0 failed');
    // V1: leastconn rotates over the four while none is busy, avoids the busy one; insert cookies.
    const v1 =
      /^PASS V1 least connections: 12 requests answered by ((?:www\d, ){3}www\d) in turn; with (www\d) busy \(a request held open\) 8 requests went to ((?:www\d, ){2}www\d) in turn, none to (www\d); cookie SERVERID insert: (www\d)'s first answer set SERVERID=([ABCD]), and with each server's cookie all 8 requests stayed on that server and were given no new cookie$/m.exec(
        out,
      );
    expect(v1, out).not.toBeNull();
    const [, round, busy, others, avoided, first, label] = v1!;
    expect(new Set(round!.split(', '))).toEqual(new Set(web));
    expect(avoided).toBe(busy);
    expect(new Set([...others!.split(', '), busy])).toEqual(new Set(web));
    expect(label).toBe('ABCD'[web.indexOf(first!)]);
    // V2: the definition's statistics page and user.
    expect(out).toMatch(
      /^PASS V2 statistics page: 401 without credentials, 200 with them; www1 UP, www2 UP, www3 UP, www4 UP$/m,
    );
    // V3: the second web server, within the window of inter 1 s and fall 2 (2 × 2 × 1 s), not HAProxy's 12 s.
    expect(out).toMatch(
      /^PASS V3 a web server goes down: www2 DOWN \(L4(TOUT|CON)\) \d+\.\d+ s after power off \(limit 6 s: a 4 s health-check window \+ 2 s\), no request sent to it since/m,
    );
    for (const id of ['V4', 'V5', 'V6']) expect(out).toMatch(new RegExp(`^PASS ${id} `, 'm'));
    expect((await mustSucceed(L, 'status')).stdout.match(/running/g)).toHaveLength(lab.hosts.length);
  }, 600_000);

  it("fails V1 when the cookie mode on the active balancer is not the definition's, saying why, and provision repairs it", async () => {
    await mustSucceed(
      L,
      'exec',
      master,
      "sed -i 's/^    cookie SERVERID insert$/    cookie SERVERID prefix/' /etc/haproxy/haproxy.cfg && service haproxy reload >/dev/null 2>&1; grep -c 'cookie SERVERID prefix' /etc/haproxy/haproxy.cfg",
    );
    const broken = await cli(L, 'verify', '--only', 'V1');
    expect(broken.exitCode, broken.stdout).toBe(1);
    // In prefix mode HAProxy keeps the server's own cookie, prefixed: not what insert sets.
    expect(broken.stdout).toMatch(
      /^FAIL V1 least connections: www\d answered with SERVERID=[ABCD]~www\d-session \(expected SERVERID=[ABCD]: cookie insert: HAProxy sets its own cookie and removes the server's\)$/m,
    );
    expect(recapOf((await mustSucceed(L, 'provision', '--json')).stdout)[master]!.changed).toBeGreaterThan(0);
    expect((await mustSucceed(L, 'verify', '--only', 'V1')).stdout).toMatch(/^PASS V1 least connections: /m);
  }, 300_000);

  it("fails V1 when a web server serves another page than the definition's, saying which, and provision repairs it", async () => {
    await mustSucceed(L, 'exec', 'www3', "sed -i 's/Hola desde/Adios desde/' /var/www/html/index.html");
    const broken = await cli(L, 'verify', '--only', 'V1');
    expect(broken.exitCode, broken.stdout).toBe(1);
    expect(broken.stdout).toMatch(
      /^FAIL V1 least connections: not in turn: .*a page of no web server \("Adios desde <www3> & compañía"\).* \(expected www1, www2, www3, www4 each once in every 4 requests, in the same order\)$/m,
    );
    expect(recapOf((await mustSucceed(L, 'provision', '--json')).stdout).www3!.changed).toBeGreaterThan(0);
    expect((await mustSucceed(L, 'verify', '--only', 'V1')).stdout).toMatch(/^PASS V1 least connections: /m);
  }, 300_000);

  it('is destroyed, leaving no namespace, link, mount, process or folder', async () => {
    await mustSucceed(L, 'destroy');
    expect(leftovers(L.file, L.state)).toEqual(NOTHING);
  }, 300_000);
});
