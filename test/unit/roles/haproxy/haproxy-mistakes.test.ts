// The HAProxy mistakes of T8 and T9, found in what the balancers hold: the tutorial's haproxy.cfg
// with its corrections (a bind line, today's timeouts) and ip_nonlocal_bind=1 holds none; each
// mistake a student copies is found alone, on its host, with its step, in both languages.
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import type { Finding, MachineHoldings } from '../../../../roles/mistakes.ts';
import { haproxyComponent } from '../../../../roles/haproxy/haproxy-component.ts';
import { HAPROXY_CFG, NONLOCAL_BIND, haproxyMistakes } from '../../../../roles/haproxy/haproxy-mistakes.ts';

const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);

/** T8's screenshot, corrected: today's timeouts, the address on a bind line. */
const CFG = `global
    log /dev/log local0
    maxconn 4096
    user haproxy
    group haproxy
    daemon

defaults
    log     global
    mode    http
    retries 3
    option redispatch
    timeout connect 5000
    timeout client 50000
    timeout server 50000
    errorfile 400 /etc/haproxy/errors/400.http
    errorfile 503 /etc/haproxy/errors/503.http

listen web-cluster
    bind 192.168.1.100:80
    mode http
    stats enable
    stats auth usuario:usuario # Aquí ponemos nuestro usuario y contraseña
    balance roundrobin
    option httpclose
    option forwardfor
    cookie JSESSIONID prefix
    server web1 192.168.1.103:80 cookie A check
    server web2 192.168.1.104:80 cookie B check
    server web3 192.168.1.105:80 cookie C check
`;

interface Change {
  cfg?: string | null;
  nonlocal?: string | null;
  running?: boolean;
}

function balancer(name: string, lan: string, holdsVip: boolean, change: Change = {}): MachineHoldings {
  const cfg = change.cfg === undefined ? CFG : change.cfg;
  const nonlocal = change.nonlocal === undefined ? '1' : change.nonlocal;
  return {
    host: name,
    nodeName: name,
    interfaces: new Map([
      ['lo', ['127.0.0.1/8']],
      ['eth1', holdsVip ? [`${lan}/24`, '192.168.1.100/24'] : [`${lan}/24`]],
    ]),
    files: new Map(cfg === null ? [] : [[HAPROXY_CFG, { content: cfg, mode: '640' }]]),
    sysctls: new Map(nonlocal === null ? [] : [[NONLOCAL_BIND, nonlocal]]),
    processes: new Map([['haproxy', change.running ?? true]]),
  };
}

function farm(changes: { haproxy1?: Change; haproxy2?: Change } = {}): Map<string, MachineHoldings> {
  return new Map([
    ['haproxy1', balancer('haproxy1', '192.168.1.101', true, changes.haproxy1)],
    ['haproxy2', balancer('haproxy2', '192.168.1.102', false, changes.haproxy2)],
  ]);
}

const find = (holdings: Map<string, MachineHoldings>) => haproxyMistakes.find(lab, holdings);

function only(findings: Finding[], step: string, host: string): Finding {
  expect(findings.map((f) => [f.step, f.host])).toEqual([[step, host]]);
  const f = findings[0]!;
  for (const said of [f.wrong, f.fix]) {
    expect(said.en.length).toBeGreaterThan(10);
    expect(said.es.length).toBeGreaterThan(10);
    expect(said.es).not.toBe(said.en);
  }
  return f;
}

const cfg = (edit: (text: string) => string): Change => ({ cfg: edit(CFG) });

describe("HAProxy's mistakes", () => {
  it('is what the HAProxy component finds, reading haproxy.cfg, ip_nonlocal_bind and its process', () => {
    expect(haproxyComponent.mistakes).toBe(haproxyMistakes);
    expect(haproxyMistakes.files(lab)).toEqual([HAPROXY_CFG]);
    expect(haproxyMistakes.sysctls).toEqual([NONLOCAL_BIND]);
    expect(haproxyMistakes.processes).toEqual(['haproxy']);
  });

  it("finds nothing in the tutorial's farm with its corrections", () => {
    expect(find(farm())).toEqual([]);
  });

  it('finds nothing in a frontend and backend of its own, tab-indented', () => {
    const split = CFG.replace(
      'listen web-cluster\n    bind 192.168.1.100:80\n',
      'frontend www\n\tbind ipv4@192.168.1.100:80,192.168.1.100:443\n\tdefault_backend web\n\nbackend web\n',
    ).replace(/^ {4}/gm, '\t');
    expect(find(farm({ haproxy1: { cfg: split }, haproxy2: { cfg: split } }))).toEqual([]);
  });

  it('finds it missing', () => {
    const f = only(find(farm({ haproxy2: { cfg: null } })), 'T8', 'haproxy2');
    expect(f.wrong.en).toContain('/etc/haproxy/haproxy.cfg is missing');
    expect(f.fix.en).toContain('`bind 192.168.1.100:80`');
  });

  it("finds T8's `listen web-cluster 192.168.1.100:80`, and writes it with a bind line", () => {
    const f = only(
      find(
        farm({
          haproxy1: cfg((t) =>
            t.replace('listen web-cluster\n    bind 192.168.1.100:80', 'listen web-cluster 192.168.1.100:80'),
          ),
        }),
      ),
      'T8',
      'haproxy1',
    );
    expect(f.wrong.en).toContain('(line 19) says `listen web-cluster 192.168.1.100:80`');
    expect(f.wrong.en).toContain("please use the 'bind' keyword for listening addresses");
    expect(f.fix.en).toContain('write `listen web-cluster` and, on the line below it, `    bind 192.168.1.100:80`');
    expect(f.fix.es).toContain('en la línea siguiente');
  });

  it("finds HAProxy 1.4's timeouts, the screenshot's misspelt one too, with today's words", () => {
    const old = CFG.replace('timeout connect 5000', 'contimeout 5000')
      .replace('timeout client 50000', 'clitimeout 50000')
      .replace('timeout server 50000', 'srvtimerout 50000');
    const f = only(find(farm({ haproxy2: { cfg: old } })), 'T8', 'haproxy2');
    expect(f.wrong.en).toContain(
      '`contimeout 5000` (line 13), `clitimeout 50000` (line 14) and `srvtimerout 50000` (line 15)',
    );
    expect(f.fix.en).toContain('`timeout connect 5000`, `timeout client 50000` and `timeout server 50000`');
  });

  it('finds no bind on the VIP and port, a commented one not counted', () => {
    const f = only(
      find(
        farm({
          haproxy1: cfg((t) =>
            t.replace('    bind 192.168.1.100:80', '    bind 192.168.1.100:8080 # bind 192.168.1.100:80'),
          ),
        }),
      ),
      'T8',
      'haproxy1',
    );
    expect(f.wrong.en).toBe(
      '/etc/haproxy/haproxy.cfg does not listen on 192.168.1.100:80 (it binds 192.168.1.100:8080): HAProxy does not answer on the VIP',
    );
    expect(f.fix.en).toContain('under `listen web-cluster`, write `    bind 192.168.1.100:80`');
  });

  it('accepts a bind on every address, which needs no ip_nonlocal_bind', () => {
    const any = cfg((t) => t.replace('bind 192.168.1.100:80', 'bind *:80'));
    expect(find(farm({ haproxy1: { ...any, nonlocal: '0' }, haproxy2: { ...any, nonlocal: '0' } }))).toEqual([]);
  });

  it('finds a web server without a server line, and one at the wrong address', () => {
    const missing = only(find(farm({ haproxy2: cfg((t) => t.replace(/^ +server web3 .*\n/m, '')) })), 'T8', 'haproxy2');
    expect(missing.wrong.en).toContain('no server line for web3 (192.168.1.105)');
    expect(missing.fix.en).toContain('`    server web3 192.168.1.105:80 cookie C check`');
    const wrong = only(
      find(farm({ haproxy1: cfg((t) => t.replace('192.168.1.104:80', '192.168.1.14:80')) })),
      'T8',
      'haproxy1',
    );
    expect(wrong.wrong.en).toContain(
      '(line 29) says `server web2 192.168.1.14:80 cookie B check`, but web2 is 192.168.1.104',
    );
  });

  it('accepts servers named otherwise or by their host name', () => {
    const other = cfg((t) =>
      t.replace('server web1 192.168.1.103', 'server s1 192.168.1.103').replace('192.168.1.104:80', 'web2:80'),
    );
    expect(find(farm({ haproxy1: other }))).toEqual([]);
  });

  describe('ip_nonlocal_bind, which the tutorial forgot', () => {
    it('finds it off on the backup, which is why its HAProxy does not run', () => {
      const f = only(find(farm({ haproxy2: { nonlocal: '0', running: false } })), 'T8', 'haproxy2');
      expect(f.wrong.en).toContain('sysctl net.ipv4.ip_nonlocal_bind is 0');
      expect(f.wrong.en).toContain('(HAProxy is not running on haproxy2)');
      expect(f.fix.en).toContain(
        '`net.ipv4.ip_nonlocal_bind=1` to /etc/sysctl.conf on both balancers, run `sysctl -p`',
      );
      expect(f.wrong.es).toContain('el tutorial olvidó este ajuste');
    });

    it('finds it off on the master that holds the VIP too, HAProxy running', () => {
      const f = only(find(farm({ haproxy1: { nonlocal: '0' } })), 'T8', 'haproxy1');
      expect(f.wrong.en).not.toContain('not running');
    });

    it('says nothing of it when it could not be read', () => {
      expect(find(farm({ haproxy2: { nonlocal: null } }))).toEqual([]);
    });
  });

  it('finds HAProxy not running where nothing explains it (T9)', () => {
    const f = only(find(farm({ haproxy1: { running: false } })), 'T9', 'haproxy1');
    expect(f.wrong.en).toBe('haproxy is not running on haproxy1');
    expect(f.fix.en).toContain('ENABLED=1 in /etc/default/haproxy, then /etc/init.d/haproxy start');
  });

  it('never throws, whatever the file holds, and quotes no control character', () => {
    const garbage = [
      '',
      '\u0000\u001b[31m\ud800listen a b c\nbind :\nbind [::\nserver\nserver x\ntimeout\ncontimeout',
      Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256)).toString('latin1'),
      `listen ${'\u001b'.repeat(50)}${'y'.repeat(100_000)} ${'z'.repeat(1000)}:80`,
      `${'bind 1.2.3.4:99999999999999999999-1,'.repeat(3000)}\n${'server w\n'.repeat(10_000)}`,
    ];
    for (const text of garbage) {
      for (const nonlocal of ['', '\u0007', '0']) {
        const findings = find(farm({ haproxy1: { cfg: text, nonlocal, running: false }, haproxy2: { cfg: text } }));
        for (const f of findings) {
          for (const s of [f.wrong.en, f.wrong.es, f.fix.en, f.fix.es]) {
            expect(s).not.toMatch(/[\u0000-\u001f\u007f]/);
            expect(s.length).toBeLessThan(3000);
          }
        }
      }
    }
    expect(find(new Map())).toEqual([]);
  });
});

describe("the servers' cookies", () => {
  it("a label other than the definition's, or none, is found on that server's line", () => {
    const other = CFG.replace(
      'server web2 192.168.1.104:80 cookie B check',
      'server web2 192.168.1.104:80 cookie W2 check',
    );
    const f = only(find(farm({ haproxy1: { cfg: other } })), 'T8', 'haproxy1');
    expect(f.wrong.en).toContain("web2's cookie is W2, where the definition (and lab:verify's V1) gives it B");
    expect(f.fix.en).toContain('`    server web2 192.168.1.104:80 cookie B check`');
    const none = CFG.replace('server web3 192.168.1.105:80 cookie C check', 'server web3 192.168.1.105:80 check');
    expect(only(find(farm({ haproxy2: { cfg: none } })), 'T8', 'haproxy2').wrong.en).toContain(
      'no cookie for web3, so HAProxy keeps no client on it',
    );
  });
});
