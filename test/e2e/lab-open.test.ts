// lab:open on the namespace provider, as root (issue 17, item 1): a port on this host's loopback
// reaches the site and its statistics page through the lab, before, during and after a
// failover; a real headless Chromium loads both through it (screenshots kept); the SSH way the
// Vagrant providers use works too (through a web server, over the lab's real sshd); Ctrl-C
// stops it and leaves nothing running, and so do SIGTERM, SIGTERM sent to the npm that ran it
// (issue 27, class 10: npm's shell ends without passing it on) and its lab destroyed under it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecrets } from '../../lib/farm/lab-secrets.ts';
import { labStateDir } from '../../lib/farm/lab-state-dir.ts';
import { PROJECT_DIR, TUTORIAL_LAB } from '../helpers/cli.ts';
import { cli, e2eLabs, holdsVip, mustSucceed, upAndProvisioned, waitFor, type TestLab } from '../helpers/netns-lab.ts';

const labs = e2eLabs('open');
const O = labs.lab(TUTORIAL_LAB, 'o');
/** A lab up only, for lab:open to see it destroyed. */
const P = labs.lab(TUTORIAL_LAB, 'p');
/** Screenshots a person can look at after the run. */
const ARTIFACTS = join(tmpdir(), 'hafarm-lab-open-artifacts');

beforeAll(async () => {
  labs.create();
  mkdirSync(ARTIFACTS, { recursive: true });
  await upAndProvisioned(O);
}, 900_000);
afterAll(() => labs.destroy(), 300_000);

interface Opened {
  run: ResultPromise;
  base: string;
  output(): string;
}

/** lab:open started as a user starts it, on a port the system picks; its base URL once it says it. */
async function open(lab: TestLab, ...args: string[]): Promise<Opened> {
  const run = execa(
    process.execPath,
    [join(PROJECT_DIR, 'bin/hafarm.js'), 'open', '--lab', lab.file, '--state', lab.state, '--port', '0', ...args],
    { cwd: lab.dir, reject: false, stdin: 'ignore', all: true, buffer: true },
  );
  let said = '';
  run.all!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  await waitFor(
    'lab:open says where it listens',
    async () => /^lab:open: http:\/\/127\.0\.0\.1:\d+\//m.test(said) || run.exitCode !== null,
    30_000,
  );
  const base = /^lab:open: (http:\/\/127\.0\.0\.1:\d+)\//m.exec(said)?.[1];
  if (!base) {
    run.kill('SIGKILL');
    throw new Error(`lab:open did not start:\n${said}`);
  }
  return { run, base, output: () => said };
}

/** lab:open for the length of `use`, stopped by Ctrl-C after it whatever happens. */
async function whileOpen(lab: TestLab, args: string[], use: (opened: Opened) => Promise<void>): Promise<void> {
  const opened = await open(lab, ...args);
  try {
    await use(opened);
  } finally {
    opened.run.kill('SIGINT');
    await opened.run;
  }
}

async function page(url: string, auth?: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const answer = await fetch(url, {
      headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {},
      signal: AbortSignal.timeout(2000),
    });
    return { status: answer.status, body: await answer.text() };
  } catch {
    return undefined;
  }
}

const served = (body = '') => /Bienvenido a nginx! \((web\d)\)/.exec(body)?.[1];

/** Whether something accepts connections on the URL's port of 127.0.0.1. */
async function listening(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED';
  }
}

/** The forwarders lab:open runs in a lab's client namespace. */
function forwarders(namespace: string): string[] {
  return spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.includes('netns-forwarder.mjs') && l.includes(namespace));
}

/** Every process below `pid`, with its command line. */
function descendants(pid: number): Map<number, string> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const below = new Map<number, string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parents)
      if ((parent === pid || below.has(parent)) && !below.has(child)) {
        try {
          below.set(child, readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' '));
          grew = true;
        } catch {
          // ended meanwhile
        }
      }
  }
  return below;
}

/** Headless Chromium as the probe machine ran it (its background networking off: this host's network is closed). */
function chromium(args: string[]): { stdout: string; status: number | null } {
  const profile = mkdtempSync(join(tmpdir(), 'hafarm-chromium-'));
  try {
    const result = spawnSync(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    return { stdout: result.stdout, status: result.status };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('lab:open on the namespace provider', () => {
  it("serves the site and the statistics page on loopback, with the site's name sent on", async () => {
    await whileOpen(O, [], async (opened) => {
      expect(opened.output()).toMatch(
        /is trabajoswap\.com \(VIP 192\.168\.1\.100:80\), through the client namespace hf-e2eo\d+-client/,
      );
      expect(opened.output()).toMatch(
        /stats: http:\/\/127\.0\.0\.1:\d+\/haproxy\?stats \(user admin; its password: npm run lab:status -- --secrets\)/,
      );
      // The password is never printed unless asked.
      const { statsPassword } = loadSecrets(labStateDir(O.state));
      expect(opened.output()).not.toContain(statsPassword);
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(served((await page(`${opened.base}/`))?.body));
      expect(new Set(answers)).toEqual(new Set(['web1', 'web2', 'web3']));
      expect((await page(`${opened.base}/haproxy?stats`))?.status).toBe(401);
      const stats = await page(`${opened.base}/haproxy?stats;csv`, `admin:${statsPassword}`);
      expect(stats?.status).toBe(200);
      expect(stats?.body).toMatch(/^web-cluster,web1,/m);
    });
  }, 120_000);

  it('keeps serving across a failover: new requests reach the new holder, and the old one again after failback', async () => {
    const opened = await open(O);
    const outcomes: Array<{ at: number; ok: boolean }> = [];
    let running = true;
    const load = (async () => {
      while (running) {
        outcomes.push({ at: Date.now(), ok: served((await page(`${opened.base}/`))?.body) !== undefined });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const off = Date.now();
      await mustSucceed(O, 'halt', 'haproxy1');
      await waitFor('haproxy2 holds the VIP', () => holdsVip(O, 'haproxy2'), 30_000);
      await waitFor(
        'the site answers through lab:open again',
        async () => outcomes.slice(-3).length === 3 && outcomes.slice(-3).every((o) => o.ok),
        30_000,
      );
      const on = Date.now();
      await mustSucceed(O, 'start', 'haproxy1');
      await waitFor(
        'haproxy1 holds the VIP again',
        async () => (await holdsVip(O, 'haproxy1')) && !(await holdsVip(O, 'haproxy2')),
        90_000,
      );
      await waitFor(
        'the site answers through lab:open after failback',
        async () => outcomes.slice(-3).every((o) => o.ok),
        30_000,
      );
      running = false;
      await load;
      const before = outcomes.filter((o) => o.at < off);
      expect(before.length).toBeGreaterThan(3);
      expect(before.every((o) => o.ok)).toBe(true);
      expect(outcomes.filter((o) => o.at > off && o.at < on).some((o) => o.ok)).toBe(true);
    } finally {
      running = false;
      opened.run.kill('SIGINT');
      await opened.run;
    }
  }, 240_000);

  it('a real headless Chromium loads the site and the statistics page through it (screenshots kept)', async () => {
    await whileOpen(O, [], async (opened) => {
      expect(chromium(['--dump-dom', `${opened.base}/`]).stdout).toMatch(/Bienvenido a nginx! \(web[123]\)/);
      const { statsPassword } = loadSecrets(labStateDir(O.state));
      const statsUrl = `http://admin:${statsPassword}@${opened.base.slice('http://'.length)}/haproxy?stats`;
      expect(chromium(['--dump-dom', statsUrl]).stdout).toMatch(
        /Statistics Report for HAProxy[\s\S]*web-cluster[\s\S]*web3/,
      );
      for (const [name, url] of [
        ['site', `${opened.base}/`],
        ['stats', statsUrl],
      ] as const) {
        const file = join(ARTIFACTS, `lab-open-${name}.png`);
        rmSync(file, { force: true });
        chromium([`--screenshot=${file}`, '--window-size=1200,800', url]);
        expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
        expect(statSync(file).size).toBeGreaterThan(5000);
      }
    });
  }, 180_000);

  it("the Vagrant providers' way, through a web server over SSH (--through web3), reaches the site too", async () => {
    await whileOpen(O, ['--through', 'web3'], async (opened) => {
      expect(opened.output()).toContain('through web3 over SSH');
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(served((await page(`${opened.base}/`))?.body));
      expect(answers.every((a) => a !== undefined)).toBe(true);
    });
  }, 120_000);

  it('stops at Ctrl-C: exit 0, the port closed, its forwarder gone', async () => {
    const opened = await open(O);
    expect(served((await page(`${opened.base}/`))?.body)).toBeDefined();
    opened.run.kill('SIGINT');
    const result = await opened.run;
    expect(result.exitCode, opened.output()).toBe(0);
    expect(opened.output()).toContain('lab:open: stopped');
    expect(await page(`${opened.base}/`)).toBeUndefined();
    const processes = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l.includes('netns-forwarder.mjs'));
    expect(processes).toEqual([]);
  }, 60_000);

  it('refuses a port in use and a machine it cannot go through, changing nothing', async () => {
    await whileOpen(O, [], async (opened) => {
      const port = opened.base.split(':').pop()!;
      const taken = await cli(O, 'open', '--port', port);
      expect(taken.exitCode).toBe(2);
      expect(String(taken.stderr)).toContain(`--port: ${port} is taken on 127.0.0.1`);
    });
    const balancer = await cli(O, 'open', '--through', 'haproxy1');
    expect(balancer.exitCode).toBe(2);
    expect(String(balancer.stderr)).toContain('--through: haproxy1 is a balancer');
  }, 90_000);

  it('stops at SIGTERM as at Ctrl-C: exit 0, the port closed, its forwarder gone', async () => {
    const opened = await open(O);
    expect(served((await page(`${opened.base}/`))?.body)).toBeDefined();
    opened.run.kill('SIGTERM');
    const result = await opened.run;
    expect(result.exitCode, opened.output()).toBe(0);
    expect(opened.output()).toMatch(/^lab:open: stopped$/m);
    expect(await listening(opened.base)).toBe(false);
    expect(forwarders(`hf-${O.name}-client`)).toEqual([]);
  }, 60_000);

  it('npm run lab:open stopped by SIGTERM to npm: its node process ends, saying why, and the port is free', async () => {
    const npm = spawn('npm', ['run', 'lab:open', '--', '--lab', O.file, '--state', O.state, '--port', '0'], {
      cwd: PROJECT_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    npm.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    // npm's pipes close once every process holding them, lab:open's node too, has ended
    const closed = new Promise<void>((resolve) => npm.once('close', () => resolve()));
    try {
      await waitFor('lab:open says where it listens', async () => /^lab:open: http:\/\/127/m.test(said), 60_000);
      const base = /^lab:open: (http:\/\/127\.0\.0\.1:\d+)\//m.exec(said)![1]!;
      const node = [...descendants(npm.pid!)].find(([, args]) => args.includes('bin/hafarm.js open'));
      expect(node, said).toBeDefined();
      expect(served((await page(`${base}/`))?.body)).toBeDefined();
      npm.kill('SIGTERM');
      await closed;
      await waitFor('its node process ends', async () => !existsSync(`/proc/${node![0]}`), 10_000);
      expect(said).toMatch(/^lab:open: stopped: the npm run lab:open that started it has ended \(\w+, pid \d+\)$/m);
      expect(await listening(base)).toBe(false);
      expect(forwarders(`hf-${O.name}-client`)).toEqual([]);
    } finally {
      // what the test started, if a check above failed before it ended
      for (const [pid] of descendants(npm.pid!))
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      npm.kill('SIGKILL');
    }
  }, 120_000);

  it('stops when its lab is destroyed under it: one line saying so, exit 1, the port free', async () => {
    await mustSucceed(P, 'up', '--provider', 'netns');
    const opened = await open(P);
    try {
      await mustSucceed(P, 'destroy');
      const result = await opened.run;
      expect(result.exitCode, opened.output()).toBe(1);
      const stopped = opened
        .output()
        .split('\n')
        .filter((line) => line.includes('stopped'));
      expect(stopped).toEqual([
        `hafarm: lab:open: stopped: lab "${P.name}" was destroyed (no state in ${P.state} any more); ${opened.base}/ no longer answers`,
      ]);
      expect(opened.output()).not.toMatch(/^\s+at /m);
      expect(await listening(opened.base)).toBe(false);
      expect(forwarders(`hf-${P.name}-client`)).toEqual([]);
    } finally {
      if (opened.run.exitCode === null) opened.run.kill('SIGKILL');
    }
  }, 300_000);
});
