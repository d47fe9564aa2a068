// The tutorial's roles, rendered without machines (lab:render): a check per step ID that each
// file holds the directives with the lab's values, for the tutorial lab and for four web servers
// on other subnets; haproxy.cfg through the real `haproxy -c`; the nginx root render assumes is
// the one Debian's real nginx serves; secrets generated per lab, stable, never placeholders.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_NGINX_ROOT, servedRoot } from '../../roles/nginx/nginx-role.ts';
import { FOUR_WEB_LAB, TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';
import { haproxyCheck, nginxCheck } from '../helpers/validators.ts';

const scratch = scratchDir('render');
afterAll(() => scratch.remove());

interface Rendered {
  out: string;
  read(host: string, path: string): string;
  manifest(
    host: string,
  ): Array<{ path: string; mode: string; owner: string; group: string; kind: string; step: string }>;
  secrets(): { heartbeatAuthkey: string; statsPassword: string };
}

async function render(labFile: string, name: string): Promise<Rendered> {
  const out = join(scratch.dir, `${name}-out`);
  const state = join(scratch.dir, `${name}-state`);
  const result = await hafarm(['render', '--lab', labFile, '--out', out, '--state', state], { cwd: scratch.dir });
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return {
    out,
    read: (host, path) => readFileSync(join(out, host, path), 'utf8'),
    manifest: (host) => JSON.parse(readFileSync(join(out, host, 'MANIFEST.json'), 'utf8')),
    secrets: () => JSON.parse(readFileSync(join(state, 'secrets.json'), 'utf8')),
  };
}

describe.each([
  {
    lab: 'the tutorial lab',
    file: TUTORIAL_LAB,
    vip: '192.168.1.100',
    siteName: 'trabajoswap.com',
    lan: ['192.168.1.101', '192.168.1.102', '192.168.1.103', '192.168.1.104', '192.168.1.105'],
    hb: ['10.100.100.1', '10.100.100.2'],
    web: ['web1', 'web2', 'web3'],
  },
  {
    lab: 'four web servers on other subnets',
    file: FOUR_WEB_LAB,
    vip: '172.20.0.100',
    siteName: 'granja.test',
    lan: ['172.20.0.101', '172.20.0.102', '172.20.0.103', '172.20.0.104', '172.20.0.105', '172.20.0.106'],
    hb: ['10.200.0.1', '10.200.0.2'],
    web: ['web1', 'web2', 'web3', 'web4'],
  },
])('roles rendered for $lab', ({ file, vip, siteName, lan, hb, web }) => {
  let r: Rendered;
  const hosts = ['haproxy1', 'haproxy2', ...web];

  beforeAll(async () => {
    r = await render(file, web.length === 3 ? 'tutorial' : 'four');
  });

  it('T2: /etc/hosts block with the VIP name, every host on the LAN, the balancers on the heartbeat net', () => {
    for (const host of hosts) {
      const block = r.read(host, '/etc/hosts').split('\n');
      expect(block[0]).toMatch(/^# BEGIN hafarm lab /);
      expect(block).toContain(`${vip}  ${siteName}`);
      hosts.forEach((h, i) => expect(block).toContain(`${lan[i]}  ${h}`));
      expect(block).toContain(`${hb[0]}  haproxy1`);
      expect(block).toContain(`${hb[1]}  haproxy2`);
      expect(r.manifest(host).find((f) => f.path === '/etc/hosts')).toMatchObject({ kind: 'block', step: 'T2' });
    }
  });

  it('T3: a static stanza per address, with the broadcast address Heartbeat needs', () => {
    const eth2 = r.read('haproxy2', '/etc/network/interfaces.d/60-hafarm-eth2');
    expect(eth2).toContain(`address ${hb[1]}/24`);
    expect(eth2).toContain(`broadcast ${hb[1]!.replace(/\d+$/, '255')}`);
    expect(r.read(web[0]!, '/etc/network/interfaces.d/60-hafarm-eth1')).toContain(`address ${lan[2]}/24`);
    expect(r.manifest(web[0]!).map((f) => f.path)).not.toContain('/etc/network/interfaces.d/60-hafarm-eth2');
  });

  it('T5: ha.cf with the tutorial directives, bcast on the heartbeat interface, a node line per balancer', () => {
    for (const host of ['haproxy1', 'haproxy2']) {
      const lines = r
        .read(host, '/etc/ha.d/ha.cf')
        .split('\n')
        .map((l) => l.replace(/\s+/g, ' '));
      for (const directive of [
        'logfile /var/log/ha-log',
        'debugfile /var/log/ha-debug',
        'deadtime 5',
        'warntime 10',
        'initdead 15',
        'bcast eth2',
        'auto_failback on',
        'node haproxy1',
        'node haproxy2',
      ]) {
        expect(lines, directive).toContain(directive);
      }
      expect(lines.filter((l) => l.startsWith('node '))).toEqual(['node haproxy1', 'node haproxy2']);
    }
  });

  it('T6: authkeys selects sha1 with a generated secret, mode 600, no placeholder', () => {
    const key = r.secrets().heartbeatAuthkey;
    expect(key).toMatch(/^[0-9a-f]{48}$/);
    for (const host of ['haproxy1', 'haproxy2']) {
      const authkeys = r.read(host, '/etc/ha.d/authkeys');
      expect(authkeys.split('\n').slice(0, 3)).toEqual(['auth 2', '1 crc', `2 sha1 ${key}`]);
      expect(authkeys).not.toMatch(/yourpasswordhere|HI!|Hello!/);
      expect(r.manifest(host).find((f) => f.path === '/etc/ha.d/authkeys')).toMatchObject({
        mode: '0600',
        owner: 'root',
        step: 'T6',
      });
      expect(statSync(join(r.out, host, '/etc/ha.d/authkeys')).mode & 0o777).toBe(0o600);
    }
  });

  it('T7: haresources names the master with IPaddr::VIP/prefix/LAN interface', () => {
    for (const host of ['haproxy1', 'haproxy2'])
      expect(r.read(host, '/etc/ha.d/haresources')).toBe(`haproxy1 IPaddr::${vip}/24/eth1\n`);
  });

  it('T8: haproxy.cfg with the tutorial directives written for HAProxy 2.6, one server per web host', () => {
    const cfg = r.read('haproxy1', '/etc/haproxy/haproxy.cfg');
    const lines = cfg.split('\n').map((l) => l.trim());
    expect(lines).toContain('listen web-cluster');
    expect(lines).toContain(`bind ${vip}:80`);
    for (const d of [
      'mode http',
      'stats enable',
      'balance roundrobin',
      'option httpclose',
      'option forwardfor',
      'cookie JSESSIONID prefix',
      'timeout connect 5s',
      'timeout client  50s',
      'timeout server  50s',
    ]) {
      expect(lines, d).toContain(d);
    }
    expect(lines).toContain(`stats auth admin:${r.secrets().statsPassword}`);
    expect(lines.filter((l) => l.startsWith('server '))).toEqual(
      web.map((w, i) => `server ${w} ${lan[i + 2]}:80 cookie ${'ABCD'[i]} check`),
    );
    expect(cfg).not.toMatch(/contimeout|clitimeout|srvtimeout|listen web-cluster \d/);
    // Bare `check` lines: lab:verify's health-check window (lib/verify/health-checks.ts) relies on HAProxy's defaults.
    expect(cfg).not.toMatch(/\b(inter|fastinter|downinter|fall|rise)\s+\d|timeout\s+check|default-server/);
    expect(r.read('haproxy2', '/etc/haproxy/haproxy.cfg')).toBe(cfg);
    expect(r.read('haproxy1', '/etc/sysctl.d/60-hafarm.conf')).toBe('net.ipv4.ip_nonlocal_bind = 1\n');
  });

  it('T8: the rendered haproxy.cfg passes the real haproxy -c', () => {
    const check = haproxyCheck(join(r.out, 'haproxy1', '/etc/haproxy/haproxy.cfg'));
    expect(check.output).toContain('Configuration file is valid');
    expect(check.status).toBe(0);
  });

  it('T9: ENABLED=1 where /etc/default/haproxy still reads it', () => {
    expect(r.manifest('haproxy1').find((f) => f.path === '/etc/default/haproxy')).toMatchObject({
      kind: 'line',
      step: 'T9',
    });
    expect(r.read('haproxy1', '/etc/default/haproxy')).toBe('ENABLED=1\n');
  });

  it('T10: each web server sets the session cookie HAProxy prefixes, in a snippet the real nginx -t accepts', () => {
    const file = join(r.out, web[1]!, '/etc/nginx/conf.d/hafarm-session-cookie.conf');
    expect(readFileSync(file, 'utf8')).toContain(`add_header Set-Cookie "JSESSIONID=${web[1]}-session; Path=/";`);
    const result = nginxCheck(file, join(r.out, 'nginx-t'));
    expect(result.output).toContain('test is successful');
    expect(result.status).toBe(0);
  });

  it('T10: each web server serves its own page', () => {
    web.forEach((w) => {
      expect(r.read(w, `${DEBIAN_NGINX_ROOT}/index.html`)).toContain(`<h1>Bienvenido a nginx! (${w})</h1>`);
      expect(r.manifest(w).find((f) => f.path === `${DEBIAN_NGINX_ROOT}/index.html`)).toMatchObject({
        step: 'T10',
        mode: '0644',
      });
    });
  });
});

describe('nginx root (T10)', () => {
  it('render assumes the root that Debian’s real nginx serves, read from nginx -T', () => {
    const config = execFileSync('nginx', ['-T'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(servedRoot(config)).toBe(DEBIAN_NGINX_ROOT);
  });
});

describe('secrets', () => {
  it('are stable across two renders of one lab and differ between two labs', async () => {
    const first = await render(TUTORIAL_LAB, 'stable');
    const again = await render(TUTORIAL_LAB, 'stable');
    expect(again.secrets()).toEqual(first.secrets());
    expect(again.read('haproxy1', '/etc/haproxy/haproxy.cfg')).toBe(first.read('haproxy1', '/etc/haproxy/haproxy.cfg'));
    const other = await render(TUTORIAL_LAB, 'other');
    expect(other.secrets().heartbeatAuthkey).not.toBe(first.secrets().heartbeatAuthkey);
    expect(other.secrets().statsPassword).not.toBe(first.secrets().statsPassword);
    expect(statSync(join(scratch.dir, 'stable-state', 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('are printed only when asked for', async () => {
    const r = await render(TUTORIAL_LAB, 'shown');
    const plain = await hafarm(['status', '--lab', TUTORIAL_LAB, '--state', join(scratch.dir, 'shown-state')], {
      cwd: scratch.dir,
    });
    expect(plain.stdout).not.toContain(r.secrets().statsPassword);
    const asked = await hafarm(
      ['status', '--secrets', '--lab', TUTORIAL_LAB, '--state', join(scratch.dir, 'shown-state')],
      { cwd: scratch.dir },
    );
    expect(asked.stdout).toContain(`password ${r.secrets().statsPassword}`);
    expect(asked.stdout).toContain(r.secrets().heartbeatAuthkey);
  });
});

describe('ha.paths: a second path for Heartbeat (V8)', () => {
  it('T5: ha.cf broadcasts on the heartbeat and the LAN interfaces, saying why', async () => {
    const file = join(scratch.dir, 'two-paths.yaml');
    writeFileSync(file, `${readFileSync(TUTORIAL_LAB, 'utf8')}\nha:\n  paths: [heartbeat, lan]\n`);
    const r = await render(file, 'two-paths');
    for (const host of ['haproxy1', 'haproxy2']) {
      const lines = r.read(host, '/etc/ha.d/ha.cf').split('\n');
      expect(lines.filter((l) => l.startsWith('bcast'))).toEqual(['bcast         eth2 eth1']);
      expect(lines).toContain(
        '# ha.paths: Heartbeat broadcasts on each of these and declares a peer dead only when all are silent.',
      );
    }
  });
});
