// HAProxy values checked before anything is created (issue 18, item 6): every option word the
// definition allows passes the real haproxy -c; haproxy -c's alerts land on the definition's
// fields; lab:validate and lab:up run it (a stand-in haproxy shows the wiring).
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../lib/verify/steady-load.ts';
import { SITE_PATHS } from '../../roles/nginx/nginx-section.ts';
import { HAPROXY_OPTIONS } from '../../roles/haproxy/haproxy-options.ts';
import { loadLab } from '../../lib/farm/load-lab.ts';
import { haproxySyntaxProblems, hostHaproxyVersion } from '../../roles/haproxy/haproxy-syntax-check.ts';
import { TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('haproxy-check');
afterAll(() => scratch.remove());
const tutorial = loadLab(TUTORIAL_LAB);
const tutorialText = readFileSync(TUTORIAL_LAB, 'utf8');
const withHaproxy = (change: Partial<typeof tutorial.haproxy>) => ({
  ...tutorial,
  haproxy: { ...tutorial.haproxy, ...change },
});

describe('the real haproxy -c of this host', () => {
  const version = hostHaproxyVersion();

  it('is HAProxy 2.6 or newer (.ci/prepare-machine installs it)', () => {
    expect(version).toMatch(/^2\.6\./);
  });

  it.each(HAPROXY_OPTIONS)('passes the allowed option %s', (option) => {
    expect(haproxySyntaxProblems(withHaproxy({ options: [option] }), version!)).toEqual([]);
  });

  it('places its alerts on the fields they came from (values the rules would have refused)', () => {
    const lab = withHaproxy({
      options: ['httpclose', 'nosuch'],
      timeouts: { connect: '5s', client: '25d', server: '50s' },
    });
    expect(haproxySyntaxProblems(lab, version!)).toEqual([
      {
        field: ['haproxy', 'timeouts', 'client'],
        problem:
          "haproxy -c: timer overflow in argument '25d' to 'timeout client' (maximum value is 2147483647 ms or ~24.8 days)",
        allowed: `what HAProxy ${version} accepts (haproxy -c on this host)`,
      },
      {
        field: ['haproxy', 'options', 1],
        problem: "haproxy -c: unknown option 'nosuch'.",
        allowed: `what HAProxy ${version} accepts (haproxy -c on this host)`,
      },
    ]);
  });

  it('reports a proxy-wide alert at the haproxy section', () => {
    const problems = haproxySyntaxProblems(withHaproxy({ options: ['transparent'] }), version!);
    expect(problems).toEqual([
      expect.objectContaining({
        field: ['haproxy'],
        problem: expect.stringMatching(/^haproxy -c: proxy 'web-cluster' cannot use both transparent and balance mode/),
      }),
    ]);
  });

  it('lab:validate says haproxy -c passed', async () => {
    const result = await hafarm(['validate', '--lab', TUTORIAL_LAB], { cwd: scratch.dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`  haproxy.cfg: passes haproxy -c (HAProxy ${version} on this host)`);
  });
});

/** A folder with the tutorial lab and a stand-in haproxy on PATH. */
function standIn(name: string, script: string): { dir: string; env: Record<string, string> } {
  const dir = join(scratch.dir, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'lab.yaml'), tutorialText);
  writeFileSync(join(dir, 'bin', 'haproxy'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, 'bin', 'haproxy'), 0o755);
  return { dir, env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}` } };
}

const REFUSING = `[ "$1" = -v ] && { echo 'HAProxy version 2.6.99-1 2025/01/01 - https://haproxy.org/'; exit 0; }
n=$(grep -n '^    option forwardfor$' "$3" | cut -d: -f1)
echo "[ALERT]    (1) : config : parsing [$3:$n] : unknown option 'forwardfor'." >&2
echo "[ALERT]    (1) : config : Fatal errors found in configuration." >&2
exit 1`;

describe('a haproxy -c that refuses (stand-in)', () => {
  const lines = tutorialText.split('\n');
  const line = lines.findIndex((l) => l.includes('options: [httpclose, forwardfor]'));
  const expected = `  lab.yaml:${line + 1}:${lines[line]!.indexOf('forwardfor') + 1}: haproxy.options[1]: haproxy -c: unknown option 'forwardfor'. (allowed: what HAProxy 2.6.99 accepts (haproxy -c on this host))`;

  it.each([
    ['validate', ['validate']],
    ['up --provider virtualbox', ['up', '--provider', 'virtualbox']],
    ['lab --provider virtualbox', ['lab', '--provider', 'virtualbox']],
  ])('%s: refused at the field, nothing created', async (name, args) => {
    const { dir, env } = standIn(name.replace(/\W+/g, '-'), REFUSING);
    const result = await hafarm(args, { cwd: dir, env });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`hafarm: lab.yaml: the lab definition has 1 problem; nothing was created.\n${expected}`);
    expect(readdirSync(dir).sort()).toEqual(['bin', 'lab.yaml']);
  });
});

describe('an HAProxy older than the machines’ 2.6 on the host', () => {
  it('is not asked: its haproxy -c would refuse what the machines accept', async () => {
    const { dir, env } = standIn(
      'old',
      `[ "$1" = -v ] && { echo 'HAProxy version 2.4.22 2023/01/01'; exit 0; }\nexit 1`,
    );
    const result = await hafarm(['validate'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      '  haproxy.cfg: checked by rules only (no HAProxy 2.6 or newer on this host for haproxy -c)',
    );
  });
});

/** A free port on loopback. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The status and whether the body is HAProxy's statistics page; undefined while nothing listens. */
function request(port: number, path: string): Promise<{ status: number; stats: boolean } | undefined> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      // the HTML page, or its CSV export (";csv")
      const stats = () => body.includes('Statistics Report') || body.startsWith('# pxname,');
      res.on('end', () => resolve({ status: res.statusCode ?? 0, stats: stats() }));
    });
    req.on('error', () => resolve(undefined));
  });
}

describe('stats uri matches by prefix (the real HAProxy): why the definition keeps it off the site', () => {
  it.each([
    ['/i', ['/index.html', '/i', '/index.nginx-debian.html'], ['/', '/haproxy?stats']],
    ['/', ['/', '/index.html', '/anything'], []],
    ['/?stats', ['/?stats', '/?statsx'], ['/', '/index.html']],
    ['/haproxy?stats', ['/haproxy?stats', '/haproxy?stats;csv'], SITE_PATHS],
  ])('stats uri %s answers %j with the statistics page, not %j', async (uri, shadowed, served) => {
    const port = await freePort();
    const file = join(scratch.dir, `prefix-${port}.cfg`);
    // the one server is a closed port: any request not for the statistics page gets HAProxy's 503
    writeFileSync(
      file,
      `defaults\n  mode http\n  retries 0\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\nlisten site\n  bind 127.0.0.1:${port}\n  stats enable\n  stats uri ${uri}\n  server web1 127.0.0.1:1\n`,
    );
    const haproxy = spawn('haproxy', ['-db', '-f', file], { stdio: 'ignore' });
    try {
      expect(
        await waitUntil(async () => (await request(port, '/haproxy?stats')) !== undefined, 10_000, 50),
      ).toBeDefined();
      for (const path of shadowed) expect(await request(port, path), path).toEqual({ status: 200, stats: true });
      for (const path of served) expect(await request(port, path), path).toEqual({ status: 503, stats: false });
    } finally {
      haproxy.kill('SIGTERM');
    }
  });
});
