// Beyond power cuts, on the namespace provider as root (issue 16): V8 silences the backup's
// heartbeat link while both balancers run and shows two holders, then the farm healing; with a
// second path (ha.paths) the same cut leaves one holder; V9 degrades the link under load and
// counts what it did; Ctrl-C in the middle puts the link back; the report shows both V8 runs
// side by side; the lab is whole afterwards (provision changes nothing, V1–V7 pass); and the
// same with keepalived.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, TUTORIAL_LAB } from '../helpers/cli.ts';
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

const labs = e2eLabs('faults');
const F = labs.lab(TUTORIAL_LAB, 'f');

beforeAll(async () => {
  labs.create();
  await upAndProvisioned(F);
}, 900_000);
afterAll(() => labs.destroy(), 300_000);

/** lab:verify as a user runs it, for as long as V9 takes (two settings of 30 s and the healing after each). */
function verify(lab: TestLab, ...args: string[]) {
  return execa(
    process.execPath,
    [join(PROJECT_DIR, 'bin/hafarm.js'), 'verify', '--lab', lab.file, '--state', lab.state, ...args],
    { cwd: lab.dir, reject: false, stdin: 'ignore', timeout: 400_000 },
  );
}

async function verifyPasses(lab: TestLab, ...args: string[]): Promise<string> {
  const result = await verify(lab, ...args);
  expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
  return String(result.stdout);
}

async function linksNormal(lab: TestLab): Promise<void> {
  expect((await mustSucceed(lab, 'status')).stdout).not.toContain('not in their normal state');
}

/** The definition's ha section replaced: the test's edits of lab.yaml, as a user makes them. */
function setHa(lab: TestLab, ha: string): void {
  const text = readFileSync(lab.file, 'utf8').replace(/\nha:\n(  .*\n)*/, '\n');
  writeFileSync(lab.file, ha ? `${text}\nha:\n${ha}` : text);
}

describe('split brain and a lossy heartbeat link (V8, V9) with Heartbeat', () => {
  it('V8: the silenced heartbeat link gives two holders, both answering ARP for the VIP, and the farm heals to one', async () => {
    const out = await verifyPasses(F, '--only', 'V8');
    expect(out).toMatch(
      /^PASS V8 split brain: .*: split brain: haproxy2 took the VIP [\d.]+ s after its heartbeat link went silent while haproxy1 kept it, ARP from both; \d+ of \d+ requests failed meanwhile; haproxy1 alone holds the VIP [\d.]+ s after the link was whole/m,
    );
    expect(out).toMatch(
      /ARP from 192\.168\.1\.100 on the LAN while the link was silent: .*haproxy1 \(.*haproxy2 \(|ARP from 192\.168\.1\.100 on the LAN while the link was silent: .*haproxy2 \(.*haproxy1 \(/,
    );
    // What the client saw: its packets for the VIP went to the backup once it announced itself.
    expect(out).toMatch(/requests while the link was silent: \d+, .*through haproxy2: [1-9]\d* answered/);
    // Both logs, from the check's window: the backup declaring the master dead, the master the backup.
    expect(out).toMatch(/haproxy2 \/var\/log\/ha-log: .*node haproxy1: is dead/);
    expect(out).toMatch(/haproxy1 \/var\/log\/ha-log: .*node haproxy2: is dead/);
    const svg = readFileSync(join(F.state, 'report', 'timeline-V8.svg'), 'utf8');
    expect(svg).toContain("haproxy2's heartbeat link silenced");
    expect(svg).toMatch(/haproxy2 holds the VIP: [\d.]+–[\d.]+ s/);
    await linksNormal(F);
    expect(await whoAnswers(F)).toMatch(/^web[123]$/);
  }, 400_000);

  it('V9: 30% then 60% loss under steady load, counted per setting, the farm settled after each', async () => {
    const out = await verifyPasses(F, '--only', 'V9');
    expect(out).toMatch(
      /^PASS V9 a lossy heartbeat link under steady load: 30% loss for 30 s: \d+ VIP moves?.*, \d+ of \d+ requests failed; 60% loss for 30 s: \d+ VIP moves?.*, \d+ of \d+ requests failed \(Heartbeat, detection 5\.0 s\)$/m,
    );
    expect(readFileSync(join(F.state, 'report', 'timeline-V9.svg'), 'utf8')).toContain('60% loss on haproxy2');
    await linksNormal(F);
  }, 400_000);

  it('Ctrl-C while the link is silent puts it back and exits 130', async () => {
    const run = verify(F, '--only', 'V8');
    try {
      await waitFor(
        'haproxy2 heartbeat link silenced by V8',
        async () => /100% loss/.test((await cli(F, 'link', 'haproxy2', 'heartbeat')).stdout),
        60_000,
      );
      run.kill('SIGINT');
      const result = await run;
      expect(result.exitCode, String(result.stdout) + String(result.stderr)).toBe(130);
      expect(String(result.stdout)).toContain('interrupted by SIGINT: the lab is as it was found');
    } finally {
      run.kill('SIGKILL');
    }
    expect((await mustSucceed(F, 'link', 'haproxy2', 'heartbeat')).stdout).toBe('haproxy2 heartbeat: up');
    await waitFor(
      'one balancer holds the VIP and the site answers',
      async () =>
        (await holdsVip(F, 'haproxy1')) !== (await holdsVip(F, 'haproxy2')) && (await whoAnswers(F)) !== undefined,
      90_000,
    );
  }, 300_000);

  it('V8 with a second path (ha.paths: [heartbeat, lan]): one holder throughout, and the report shows both runs side by side', async () => {
    setHa(F, '  paths: [heartbeat, lan]\n');
    await mustSucceed(F, 'provision');
    expect((await mustSucceed(F, 'exec', 'haproxy2', 'grep', '^bcast', '/etc/ha.d/ha.cf')).stdout.trim()).toBe(
      'bcast         eth2 eth1',
    );
    const out = await verifyPasses(F, '--only', 'V8');
    expect(out).toMatch(
      /^PASS V8 split brain avoided: .*: one holder throughout: haproxy1 kept the VIP for the \d+ s haproxy2's heartbeat link was silent/m,
    );
    // Heartbeat saw one of its two paths die, not its peer.
    expect(out).toMatch(/haproxy1 \/var\/log\/ha-log: .*Link haproxy2:eth2 dead/);
    expect(out).not.toMatch(/node haproxy[12]: is dead/);
    const html = readFileSync(join(F.state, 'report', 'index.html'), 'utf8');
    const side = html.slice(html.indexOf('V8 side by side'));
    expect(side).toMatch(
      /<td>one heartbeat path<\/td><td>[^<]+<\/td><td>PASS<\/td><td>split brain: haproxy2 took the VIP/,
    );
    expect(side).toMatch(
      /<td>heartbeat paths: heartbeat, lan<\/td><td>[^<]+<\/td><td>PASS<\/td><td>one holder throughout/,
    );
    expect(readFileSync(join(F.state, 'report', 'kept', 'V8-one-heartbeat-path.svg'), 'utf8')).toContain(
      'haproxy2 holds the VIP',
    );
    await linksNormal(F);
  }, 400_000);

  it('leaves the lab whole: provision changes nothing, lab:verify passes V1 to V7', async () => {
    const json = await mustSucceed(F, 'provision', '--json');
    for (const [host, counts] of Object.entries(recapOf(json.stdout))) expect(counts.changed, host).toBe(0);
    const out = await verifyPasses(F);
    expect(out).toContain('6 passed, 0 failed');
    expect(out).not.toMatch(/^(PASS|FAIL) V[89]/m);
  }, 400_000);
});

describe('split brain and a lossy heartbeat link (V8, V9) with keepalived', () => {
  it('V8: the backup goes MASTER beside the master, both announce the VIP, the master wins back on the link', async () => {
    setHa(F, '  stack: keepalived\n');
    await mustSucceed(F, 'provision');
    const out = await verifyPasses(F, '--only', 'V8,V9');
    expect(out).toMatch(
      /^PASS V8 split brain: .*: split brain: haproxy2 took the VIP [\d.]+ s after its heartbeat link went silent while haproxy1 kept it, ARP from both;/m,
    );
    expect(out).toMatch(/haproxy2 \/var\/log\/keepalived\.log: .*\(VI_1\) Entering MASTER STATE/);
    expect(out).toMatch(
      /^PASS V9 a lossy heartbeat link under steady load: 30% loss for 30 s: .*60% loss for 30 s: .*\(keepalived, detection 3\.6 s\)$/m,
    );
    await linksNormal(F);
  }, 600_000);

  it('refuses a second path for keepalived, changing nothing', async () => {
    const before = readFileSync(F.file, 'utf8');
    appendFileSync(F.file, '  paths: [heartbeat, lan]\n');
    try {
      const result = await cli(F, 'provision');
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(
        /ha\.paths: a second path for keepalived: Debian 12's keepalived 2\.2\.7 sends a VRRP instance's advertisements on one interface only/,
      );
      expect(result.stderr).toContain('nothing was created');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      // The lab is destroyed with its definition: it must be one the loader takes.
      writeFileSync(F.file, before);
    }
  }, 60_000);
});
