// The farm on the Docker provider (issue 28), on a Docker daemon of the test's own (Debian's
// docker.io, started without iptables rules or IP forwarding: test/helpers/dockerd.ts): the real
// commands, in order, on a copy of lab.yaml: lab:up, lab:provision twice (the second changes
// nothing), lab:verify (V1–V7), SSH from outside through lab:ssh-config, lab:halt and lab:start,
// lab:link, lab:destroy leaving no container or network of the lab, and the host's firewall and
// forwarding as they were.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_LABEL } from '../../lib/providers/docker/names.ts';
import { startDockerd, type TestDockerd } from '../helpers/dockerd.ts';
import { hafarm, scratchDir, TUTORIAL_LAB } from '../helpers/cli.ts';
import { e2eLabName, labCopy, recapOf, type TestLab } from '../helpers/netns-lab.ts';

const scratch = scratchDir('e2e-docker');
let daemon: TestDockerd | undefined;
let L: TestLab;

/** What the host's forwarding and firewall are: the tests must leave them as they found them. */
function hostNetworking(): { forward: string; policy: string } {
  return {
    forward: readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(),
    policy: execFileSync('iptables', ['-w', '-S', 'FORWARD'], { encoding: 'utf8' }).split('\n')[0]!,
  };
}
const before = hostNetworking();

async function cli(...args: string[]) {
  const [command, ...rest] = args;
  // lab:verify runs for minutes (V3 to V5 power machines off and wait for them)
  return hafarm([command!, '--lab', L.file, '--state', L.state, ...rest], {
    cwd: L.dir,
    env: daemon!.env,
    timeoutMs: 600_000,
  });
}

async function must(...args: string[]) {
  const result = await cli(...args);
  expect(result.exitCode, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

function dockerLs(kind: 'container' | 'network'): string[] {
  const args =
    kind === 'container'
      ? ['container', 'ls', '-a', '--filter', `label=${LAB_LABEL}=${L.name}`, '--format', '{{.Names}}']
      : ['network', 'ls', '--filter', `label=${LAB_LABEL}=${L.name}`, '--format', '{{.Name}}'];
  return execFileSync('docker', args, { encoding: 'utf8', env: { ...process.env, ...daemon!.env } })
    .split('\n')
    .filter(Boolean)
    .sort();
}

beforeAll(async () => {
  daemon = await startDockerd();
  L = labCopy(scratch.dir, TUTORIAL_LAB, e2eLabName('dk'));
}, 120_000);

afterAll(async () => {
  try {
    if (daemon && L) await cli('destroy');
  } finally {
    await daemon?.stop();
    scratch.remove();
  }
  expect(hostNetworking()).toEqual(before);
}, 300_000);

describe('the farm on the Docker provider', () => {
  it('comes up: one container per machine, the LAN and heartbeat networks internal', async () => {
    await must('up', '--provider', 'docker');
    expect(dockerLs('container')).toEqual(
      ['haproxy1', 'haproxy2', 'web1', 'web2', 'web3'].map((h) => `hafarm-${L.name}-${h}`),
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

  it('proves V1–V7 as the tutorial shows them', async () => {
    const verify = await must('verify');
    for (const check of ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'])
      expect(verify.stdout).toMatch(new RegExp(`^PASS ${check} `, 'm'));
    expect(verify.stdout).toMatch(/\(V6, V7\)/);
    expect(verify.stdout).toMatch(/^6 passed, 0 failed$/m);
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

  it('is destroyed, leaving no container or network of the lab', async () => {
    const destroyed = await must('destroy');
    expect(destroyed.stdout).toMatch(/kept: the image hafarm\/bookworm-root:/);
    expect(dockerLs('container')).toEqual([]);
    expect(dockerLs('network')).toEqual([]);
  }, 300_000);
});
