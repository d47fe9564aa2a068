// What the tutorial farm on Linux namespaces does, as root, and that lab:verify proves it: round
// robin from the client (V1), the master balancer powered off and on again with the VIP moving
// over and back (V4, V5) by hand, then lab:verify passing V1 to V7 with its report, and
// lab:verify interrupted half way leaving the lab as it found it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenImagesAndLinks, withChromiumPage } from '../helpers/chromium.ts';
import { PROJECT_DIR, TUTORIAL_LAB } from '../helpers/cli.ts';
import { cli, e2eLabs, holdsVip, mustSucceed, upAndProvisioned, waitFor, whoAnswers } from '../helpers/netns-lab.ts';

const labs = e2eLabs('proves');
const A = labs.lab(TUTORIAL_LAB, 'p');

beforeAll(async () => {
  labs.create();
  await upAndProvisioned(A);
}, 900_000);
// Clean up even when a test failed half way.
afterAll(() => labs.destroy(), 300_000);

// As root on Linux: npm test's first step refuses to run the suite anywhere else, never a skip.
describe('the tutorial farm on Linux namespaces does what lab:verify proves', () => {
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
    for (const id of ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'])
      expect(result.stdout).toMatch(new RegExp(`^PASS ${id} `, 'm'));
    expect(result.stdout).toContain('6 passed, 0 failed');
    // The report exists, with every verdict and the failover timeline.
    const html = readFileSync(join(A.state, 'report', 'index.html'), 'utf8');
    expect(html).toContain('6 passed, 0 failed');
    expect(readFileSync(join(A.state, 'report', 'timeline-V4.svg'), 'utf8')).toMatch(/haproxy1 powered off/);
    expect(readFileSync(join(A.state, 'report', 'summary.md'), 'utf8')).toContain('| V6 heartbeats on the wire');
    // haproxy1 was powered off once before (the V4 test above): only this run's "is dead" is evidence.
    expect(result.stdout.match(/haproxy2 \/var\/log\/ha-log: .*node haproxy1: is dead/g)).toHaveLength(1);
    // The pcaps are real captures that tcpdump reads back.
    const read = execFileSync('tcpdump', ['-r', join(A.state, 'report', 'heartbeat.pcap'), '-nn', '-c', '3'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    expect(read).toMatch(/10\.100\.100\.[12]\.\d+ > 10\.100\.100\.255\.694: UDP/);
    expect((await mustSucceed(A, 'status')).stdout.match(/running/g)).toHaveLength(5);
  }, 300_000);

  it("the report shows what the tutorial's screenshots showed, and a real browser finds every image and link of it", async () => {
    const report = join(A.state, 'report');
    const html = readFileSync(join(report, 'index.html'), 'utf8');
    // HAProxy's statistics page at the tutorial's moments, as HTML and CSV with the time taken.
    for (const moment of ['every web server UP', 'web2 DOWN, ', 'after V3: web2 UP again'])
      expect(html).toContain(moment);
    const csvLinks = [...html.matchAll(/href="(stats-V[23]-[^"]+\.csv)"/g)].map((m) => m[1]!);
    expect(csvLinks).toHaveLength(3);
    expect(readFileSync(join(report, csvLinks[1]!), 'utf8')).toMatch(/^web-cluster,web2,.*,DOWN,/m);
    expect(readFileSync(join(report, csvLinks[1]!.replace(/\.csv$/, '.html')), 'utf8')).toContain(
      'Statistics Report for HAProxy',
    );
    // The heartbeat packets per balancer, with the power off, the silence and the gratuitous ARP marked.
    const packets = readFileSync(join(report, 'packets-V6.svg'), 'utf8');
    for (const mark of [
      'haproxy1 powered off',
      'haproxy1 silent',
      'gratuitous ARP from haproxy2',
      'haproxy1 powered on',
    ])
      expect(packets).toContain(mark);
    const artifacts = join(tmpdir(), 'hafarm-report-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const seen = await withChromiumPage(async (page) => {
      await page.goto(`file://${join(report, 'index.html')}`);
      await page.waitForLoadState('load');
      await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
      return brokenImagesAndLinks(page);
    });
    expect(seen.brokenImages).toEqual([]);
    expect(seen.links.length).toBeGreaterThanOrEqual(8);
    expect(seen.links.filter((href) => !existsSync(join(report, href)))).toEqual([]);
  }, 120_000);

  it('lab:verify interrupted (Ctrl-C) while haproxy1 is off powers it on again, lets the VIP settle and exits 130', async () => {
    const run = execa(
      process.execPath,
      [join(PROJECT_DIR, 'bin/hafarm.js'), 'verify', '--lab', A.file, '--state', A.state, '--only', 'V4'],
      { cwd: A.dir, reject: false, stdin: 'ignore' },
    );
    try {
      await waitFor(
        'haproxy1 powered off by V4',
        async () => /^ *haproxy1 +poweroff/m.test((await cli(A, 'status')).stdout),
        60_000,
      );
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
});
