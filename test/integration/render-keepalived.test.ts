// The keepalived stack rendered without machines (lab:render): every file of its role in the
// manifest with its step and mode, none of Heartbeat's, keepalived.conf through the real
// `keepalived -t` (VRRPv2 and the fast VRRPv3 profile) and the rsyslog rule through `rsyslogd -N1`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';
import { keepalivedCheck, rsyslogCheck } from '../helpers/validators.ts';

const scratch = scratchDir('render-ka');
afterAll(() => scratch.remove());

const TUTORIAL = readFileSync(TUTORIAL_LAB, 'utf8');
const PROFILES = [
  { name: 'stock', section: '', advert: 'advert_int 1', version: 'vrrp_version 2' },
  {
    name: 'fast',
    section: 'keepalived:\n  version: 3\n  advert_int: 0.1\n',
    advert: 'advert_int 0.1',
    version: 'vrrp_version 3',
  },
];

describe.each(PROFILES)('keepalived rendered ($name)', ({ name, section, advert, version }) => {
  const out = join(scratch.dir, `${name}-out`);
  const read = (host: string, path: string) => readFileSync(join(out, host, path), 'utf8');
  const manifest = (host: string): Array<{ path: string; mode: string; step: string }> =>
    JSON.parse(read(host, 'MANIFEST.json'));

  beforeAll(async () => {
    const file = join(scratch.dir, `${name}.yaml`);
    writeFileSync(file, `${TUTORIAL}\nha:\n  stack: keepalived\n${section}`);
    const result = await hafarm(
      ['render', '--lab', file, '--out', out, '--state', join(scratch.dir, `${name}-state`)],
      { cwd: scratch.dir },
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it("lists every file of the keepalived role on each balancer, and none of Heartbeat's", () => {
    for (const host of ['haproxy1', 'haproxy2']) {
      const files = manifest(host);
      expect(files.find((f) => f.path === '/etc/rsyslog.d/hafarm-keepalived.conf')).toMatchObject({
        step: 'T4',
        mode: '0644',
      });
      expect(files.find((f) => f.path === '/etc/keepalived/haproxy-running')).toMatchObject({
        step: 'T5',
        mode: '0755',
      });
      expect(files.find((f) => f.path === '/etc/keepalived/keepalived.conf')).toMatchObject({
        step: 'T5',
        mode: '0600',
      });
      expect(files.filter((f) => f.path.startsWith('/etc/ha.d/'))).toEqual([]);
    }
    expect(manifest('web1').filter((f) => f.path.includes('keepalived'))).toEqual([]);
  });

  it('gives each balancer its own priority and state, the same router, interval and VIP', () => {
    const one = read('haproxy1', '/etc/keepalived/keepalived.conf');
    const two = read('haproxy2', '/etc/keepalived/keepalived.conf');
    expect(one).toContain('  state MASTER\n');
    expect(one).toContain('  priority 150\n');
    expect(two).toContain('  state BACKUP\n');
    expect(two).toContain('  priority 100\n');
    for (const conf of [one, two]) {
      expect(conf).toContain(`  ${advert}\n`);
      expect(conf).toContain(`  ${version}\n`);
      expect(conf).toContain('    192.168.1.100/24 dev eth1\n');
      expect(conf).toContain('  interface eth2\n');
    }
  });

  it('passes the real keepalived -t on each balancer', () => {
    for (const host of ['haproxy1', 'haproxy2']) {
      const check = keepalivedCheck(
        join(out, host, '/etc/keepalived/keepalived.conf'),
        { path: '/etc/keepalived/haproxy-running', file: join(out, host, '/etc/keepalived/haproxy-running') },
        ['eth1', 'eth2'],
      );
      expect(check.output).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it("keeps keepalived's lines in their own file by a rule rsyslogd -N1 accepts", () => {
    const rule = join(out, 'haproxy1', '/etc/rsyslog.d/hafarm-keepalived.conf');
    expect(readFileSync(rule, 'utf8')).toContain('file="/var/log/keepalived.log"');
    const check = rsyslogCheck(rule);
    expect(check.output).toContain('End of config validation run');
    expect(check.status).toBe(0);
  });
});

describe('keepalived -t', () => {
  it('refuses what a balancer could not run: a missing interface', () => {
    const out = join(scratch.dir, 'stock-out', 'haproxy1');
    const check = keepalivedCheck(
      join(out, '/etc/keepalived/keepalived.conf'),
      { path: '/etc/keepalived/haproxy-running', file: join(out, '/etc/keepalived/haproxy-running') },
      ['eth1'],
    );
    expect(check.output).toContain("interface eth2 for vrrp_instance VI_1 doesn't exist");
    expect(check.status).not.toBe(0);
  });
});
