// The farm on the Docker provider (issue 28), on a Docker daemon of the test's own (Debian's
// docker.io, started without iptables rules or IP forwarding: test/helpers/dockerd.ts): the real
// commands, in order, on a copy of lab.yaml: lab:up, lab:provision twice (the second changes
// nothing), lab:verify --faults (V1–V9), SSH and Ansible from outside through lab:ssh-config and
// lab:inventory, lab:open in headless Chromium, lab:halt and lab:start, lab:link, then a second
// lab beside it (four web servers, other subnets) made by `npm run lab` on the image the daemon
// builds from the Dockerfile (the path of macOS and Windows), lab:destroy leaving no container or
// network of either, and the host's firewall and forwarding as they were.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSecrets } from '../../lib/farm/lab-secrets.ts';
import { labStateDir } from '../../lib/farm/lab-state-dir.ts';
import { LAB_LABEL } from '../../lib/providers/docker/names.ts';
import { withChromiumPage } from '../helpers/chromium.ts';
import { startDockerd, standInDebianImage, type TestDockerd } from '../helpers/dockerd.ts';
import { FOUR_WEB_LAB, hafarm, PROJECT_DIR, scratchDir, TUTORIAL_LAB } from '../helpers/cli.ts';
import { e2eLabName, labCopy, recapOf, waitFor, type TestLab } from '../helpers/netns-lab.ts';
import { ansible, rawOutputByHost } from '../helpers/outside-tools.ts';

const scratch = scratchDir('e2e-docker');
let daemon: TestDockerd | undefined;
let L: TestLab;
/** The second lab, on the image built from the Dockerfile. */
let B: TestLab;
/** What makes the Docker provider build its image from the Dockerfile here: a stand-in for Docker Hub's debian:bookworm. */
let dockerfileEnv: Record<string, string>;

/** What the host's forwarding and firewall are: the tests must leave them as they found them. */
function hostNetworking(): { forward: string; policy: string } {
  return {
    forward: readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(),
    policy: execFileSync('iptables', ['-w', '-S', 'FORWARD'], { encoding: 'utf8' }).split('\n')[0]!,
  };
}
const before = hostNetworking();

async function cliOn(lab: TestLab, args: string[], env: Record<string, string> = {}) {
  const [command, ...rest] = args;
  // lab:verify runs for minutes (V3 to V5 power machines off and wait for them, V8 and V9 cut links)
  return hafarm([command!, '--lab', lab.file, '--state', lab.state, ...rest], {
    cwd: lab.dir,
    env: { ...daemon!.env, ...env },
    timeoutMs: 900_000,
  });
}

const cli = (...args: string[]) => cliOn(L, args);

async function mustOn(lab: TestLab, args: string[], env: Record<string, string> = {}) {
  const result = await cliOn(lab, args, env);
  expect(result.exitCode, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

const must = (...args: string[]) => mustOn(L, args);

function dockerLs(kind: 'container' | 'network', lab = L): string[] {
  const args =
    kind === 'container'
      ? ['container', 'ls', '-a', '--filter', `label=${LAB_LABEL}=${lab.name}`, '--format', '{{.Names}}']
      : ['network', 'ls', '--filter', `label=${LAB_LABEL}=${lab.name}`, '--format', '{{.Name}}'];
  return execFileSync('docker', args, { encoding: 'utf8', env: { ...process.env, ...daemon!.env } })
    .split('\n')
    .filter(Boolean)
    .sort();
}

beforeAll(async () => {
  daemon = await startDockerd();
  L = labCopy(scratch.dir, TUTORIAL_LAB, e2eLabName('dk'));
  B = labCopy(scratch.dir, FOUR_WEB_LAB, e2eLabName('db'));
  dockerfileEnv = {
    HAFARM_DOCKER_IMAGE: 'dockerfile',
    HAFARM_DOCKER_BASE: await standInDebianImage(daemon),
    // the test's daemon has no bridge and no masquerading: the build's steps use the host's network
    HAFARM_DOCKER_BUILD_NETWORK: 'host',
  };
}, 600_000);

afterAll(async () => {
  try {
    if (daemon && L) await cli('destroy');
    if (daemon && B) await cliOn(B, ['destroy']);
  } finally {
    await daemon?.stop();
    scratch.remove();
  }
  expect(hostNetworking()).toEqual(before);
}, 300_000);

describe('the farm on the Docker provider', () => {
  it('comes up: one container per machine, the LAN and heartbeat networks internal', async () => {
    await must('up', '--provider', 'docker');
    // the machines, and the client on the LAN that lab:verify's requests come from
    expect(dockerLs('container')).toEqual(
      ['haproxy1', 'haproxy2', 'lan.client', 'web1', 'web2', 'web3'].map((h) => `hafarm-${L.name}-${h}`),
    );
    expect(dockerLs('network')).toEqual(['hb', 'lan', 'mgmt'].map((n) => `hafarm-${L.name}-${n}`));
    // the interfaces as the tutorial names them, whatever order Docker attached them in
    const links = (await must('exec', 'haproxy1', 'ip', '-br', '-4', 'addr')).stdout;
    expect(links).toMatch(/^eth1(@\S+)?\s+UP\s+192\.168\.1\.101\/24/m);
    expect(links).toMatch(/^eth2(@\S+)?\s+UP\s+10\.100\.100\.1\/24/m);
    expect(links).toMatch(/^eth0(@\S+)?\s+UP\s/m);
  }, 900_000);

  it('is provisioned, and a second run changes nothing', async () => {
    const first = await must('provision', '--json');
    expect(first.stderr).toMatch(/^the farm serves: http:\/\/trabajoswap\.com\/ answers through haproxy1 /m);
    for (const [host, stats] of Object.entries(recapOf(first.stdout)))
      expect(stats, host).toMatchObject({ failed: 0, unreachable: 0 });
    const second = recapOf((await must('provision', '--json')).stdout);
    for (const [host, stats] of Object.entries(second))
      expect(stats, host).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  }, 900_000);

  it('proves V1–V7 as the tutorial shows them, and V8 and V9 with the links it breaks', async () => {
    const verify = await must('verify', '--faults');
    expect(verify.stdout).toContain(
      `requests from the client container hafarm-${L.name}-lan.client, captures inside it (LAN) and haproxy2 (heartbeat network)`,
    );
    for (const check of ['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V8', 'V9'])
      expect(verify.stdout).toMatch(new RegExp(`^PASS ${check} `, 'm'));
    expect(verify.stdout).toMatch(/\(V6, V7\)/);
    expect(verify.stdout).toMatch(/^8 passed, 0 failed$/m);
    // every link as it was
    expect((await must('link', 'haproxy2')).stdout).not.toMatch(/not its normal state/);
  }, 900_000);

  it('is reached from outside through lab:ssh-config, on 127.0.0.1 only', async () => {
    const config = join(L.dir, 'ssh-config');
    await must('ssh-config', '--out', config);
    expect(readFileSync(config, 'utf8')).toMatch(/HostName 127\.0\.0\.1/);
    const said = execFileSync('ssh', ['-F', config, '-o', 'BatchMode=yes', 'web2', 'uname', '-n'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(said.trim()).toBe('web2');
  }, 120_000);

  it("is reached by Ansible through lab:inventory, every machine's host key checked", async () => {
    const inventory = join(L.dir, 'inventory.yml');
    await must('inventory', '--out', inventory);
    const all = rawOutputByHost((await ansible(inventory, 'all', 'uname -n', scratch.dir)).stdout);
    expect([...all.keys()].sort()).toEqual(['haproxy1', 'haproxy2', 'web1', 'web2', 'web3']);
    for (const [host, said] of all) expect(said, host).toEqual({ status: 'CHANGED', output: host });
  }, 120_000);

  it('opens the site and its statistics page in headless Chromium through lab:open', async () => {
    const run = execa(
      process.execPath,
      [join(PROJECT_DIR, 'bin/hafarm.js'), 'open', '--lab', L.file, '--state', L.state, '--port', '0'],
      { cwd: L.dir, env: daemon!.env, reject: false, stdin: 'ignore', all: true, buffer: true },
    );
    let said = '';
    run.all!.on('data', (chunk: Buffer) => (said += chunk.toString()));
    try {
      await waitFor(
        'lab:open says where it listens',
        async () => /^ {2}stats: /m.test(said) || run.exitCode !== null,
        60_000,
      );
      const base = /^lab:open: (http:\/\/127\.0\.0\.1:\d+)\//m.exec(said)?.[1];
      expect(base, said).toBeDefined();
      expect(said).toMatch(/through web3 over SSH/);
      const { statsPassword } = loadSecrets(labStateDir(L.state));
      expect(said).not.toContain(statsPassword);
      await withChromiumPage(async (page) => {
        await page.goto(`${base}/`);
        expect(await page.textContent('body')).toMatch(/Bienvenido a nginx! \(web[123]\)/);
        await page.setExtraHTTPHeaders({
          authorization: `Basic ${Buffer.from(`admin:${statsPassword}`).toString('base64')}`,
        });
        await page.goto(`${base}/haproxy?stats`);
        expect(await page.title()).toBe('Statistics Report for HAProxy');
        expect(await page.textContent('body')).toMatch(/web-cluster/);
      });
    } finally {
      run.kill('SIGINT');
      await run;
    }
    expect(run.exitCode, said).toBe(0);
  }, 180_000);

  it('halts a machine as a pulled plug and starts it with the same disk', async () => {
    await must('exec', 'web2', 'sh', '-c', 'echo kept > /root/mark');
    await must('halt', 'web2');
    expect((await must('status')).stdout).toMatch(/web2\s+poweroff/);
    await must('start', 'web2');
    expect((await must('exec', 'web2', 'cat', '/root/mark')).stdout).toBe('kept');
    expect((await must('exec', 'web2', 'ip', '-br', '-4', 'addr', 'show', 'eth1')).stdout).toMatch(/192\.168\.1\.104/);
  }, 300_000);

  it("cuts and restores a balancer's heartbeat link", async () => {
    await must('link', 'haproxy2', 'heartbeat', 'down');
    expect((await must('status')).stdout).toMatch(/haproxy2.*heartbeat.*down/i);
    await must('link', 'haproxy2', 'heartbeat', 'up');
    expect((await must('exec', 'haproxy2', 'ip', '-br', 'link', 'show', 'eth2')).stdout).toMatch(/\bUP\b/);
  }, 120_000);

  it("drops a share of a balancer's heartbeat packets with the container's own iptables, and clears that", async () => {
    await must('link', 'haproxy2', 'heartbeat', 'loss', '30%');
    expect((await must('link', 'haproxy2')).stdout).toMatch(
      /^haproxy2 heartbeat: up, 30% loss \(not its normal state\)$/m,
    );
    expect((await must('exec', 'haproxy2', 'iptables', '-S', 'INPUT')).stdout).toMatch(
      /-A INPUT -i eth2 -m statistic --mode random --probability 0\.\d+ .*-j DROP/,
    );
    await must('link', 'haproxy2', 'heartbeat', 'clear');
    expect((await must('link', 'haproxy2')).stdout).toMatch(/^haproxy2 heartbeat: up$/m);
  }, 120_000);

  it('switches to keepalived, which fails over and comes back with a machine powered off and on', async () => {
    writeFileSync(L.file, `${readFileSync(L.file, 'utf8').trimEnd()}\nha:\n  stack: keepalived\n`);
    const provisioned = await must('provision', '--json');
    for (const [host, stats] of Object.entries(recapOf(provisioned.stdout)))
      expect(stats, host).toMatchObject({ failed: 0, unreachable: 0 });
    // a pulled plug leaves no PID file behind to stop keepalived at the next start
    const verify = await must('verify', '--only', 'V4,V5');
    expect(verify.stdout).toMatch(/^HA stack: keepalived /m);
    expect(verify.stdout).toMatch(/^PASS V4 /m);
    expect(verify.stdout).toMatch(/^PASS V5 /m);
    expect((await must('exec', 'haproxy1', 'pidof', 'keepalived')).stdout).toMatch(/^\d+( \d+)*$/);
  }, 600_000);

  it('runs a second lab beside it, made by npm run lab on the image the daemon builds from the Dockerfile', async () => {
    const lab = await mustOn(B, ['lab', '--provider', 'docker'], dockerfileEnv);
    expect(lab.stdout).toMatch(/building the machines' image hafarm\/bookworm:[0-9a-f]{16} from /);
    expect(lab.stdout).toMatch(/^6 passed, 0 failed$/m);
    expect(dockerLs('container', B)).toHaveLength(7);
    // the image holds its package repository: nothing of the host's is mounted
    expect((await mustOn(B, ['exec', 'web4', 'sh', '-c', 'ls /hafarm-repo | grep -c "\\.deb$"'])).stdout).toMatch(
      /^\d{3}$/,
    );
    expect(
      (await mustOn(B, ['exec', 'web4', 'sh', '-c', 'grep -c " /hafarm-repo " /proc/mounts || true'])).stdout,
    ).toBe('0');
    // the first lab still serves
    expect(
      (
        await must(
          'exec',
          'web3',
          'curl',
          '-s',
          '--resolve',
          'trabajoswap.com:80:192.168.1.100',
          'http://trabajoswap.com/',
        )
      ).stdout,
    ).toMatch(/Bienvenido a nginx! \(web[123]\)/);
  }, 1_200_000);

  it('refuses a third lab whose subnets another lab has, naming the fields, and creates nothing', async () => {
    const C = labCopy(scratch.dir, TUTORIAL_LAB, e2eLabName('dc'));
    const refused = await cliOn(C, ['up', '--provider', 'docker']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      `${C.file}: networks.lan.cidr 192.168.1.0/24 overlaps 192.168.1.0/24 of the Docker network hafarm-${L.name}-lan (lab "${L.name}" of state folder ${L.state}); networks.heartbeat.cidr 10.100.100.0/24 overlaps`,
    );
    expect(refused.stderr).toMatch(/Nothing was created\.$/m);
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(dockerLs('container', C)).toEqual([]);
    expect(dockerLs('network', C)).toEqual([]);
  }, 120_000);

  it('is destroyed, leaving no container or network of the lab, and the other lab running', async () => {
    const destroyed = await must('destroy');
    expect(destroyed.stdout).toMatch(/kept: the image hafarm\/bookworm-root:/);
    expect(dockerLs('container')).toEqual([]);
    expect(dockerLs('network')).toEqual([]);
    expect((await mustOn(B, ['status'])).stdout.match(/running/g)).toHaveLength(6);
    expect((await mustOn(B, ['destroy'])).stdout).toMatch(/kept: the image hafarm\/bookworm:/);
    expect(dockerLs('container', B)).toEqual([]);
    expect(dockerLs('network', B)).toEqual([]);
  }, 300_000);
});
