// T2's mistakes in every machine's /etc/hosts: the tutorial's lines (with Debian's own and the
// balancers again on the heartbeat network) hold none; a name missing or mapped elsewhere is found
// on its machine, in both languages.
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import type { Finding, MachineHoldings } from '../../../../roles/mistakes.ts';
import { hostsComponent } from '../../../../roles/hosts/hosts-component.ts';
import { HOSTS_FILE, hostsMistakes } from '../../../../roles/hosts/hosts-mistakes.ts';

const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);

/** The screenshot's /etc/hosts on a machine: Debian's lines first, then T2's. */
const hostsOf = (name: string) => `127.0.0.1    localhost
127.0.1.1    ${name}
# The following lines are desirable for IPv6 capable hosts
::1         localhost ip6-localhost ip6-loopback
ff02::1     ip6-allnodes

192.168.1.100      trabajoswap.com #Esta es nuestra IP flotante (IP virtual)
para nuestra granja web.
192.168.1.101      haproxy1
192.168.1.102      haproxy2
192.168.1.103      web1
192.168.1.104      web2
192.168.1.105      web3
10.100.100.1       haproxy1
10.100.100.2       haproxy2
`;

const NAMES = ['haproxy1', 'haproxy2', 'web1', 'web2', 'web3'];

function machine(name: string, hosts: string | undefined): MachineHoldings {
  return {
    host: name,
    nodeName: name,
    interfaces: new Map(),
    files: new Map(hosts === undefined ? [] : [[HOSTS_FILE, { content: hosts, mode: '644' }]]),
    sysctls: new Map(),
    processes: new Map(),
  };
}

function farm(edits: Record<string, string | undefined> = {}): Map<string, MachineHoldings> {
  return new Map(NAMES.map((n) => [n, machine(n, n in edits ? edits[n] : hostsOf(n))]));
}

function only(findings: Finding[], host: string): Finding {
  expect(findings.map((f) => [f.step, f.host])).toEqual([['T2', host]]);
  const f = findings[0]!;
  for (const said of [f.wrong, f.fix]) {
    expect(said.en.length).toBeGreaterThan(10);
    expect(said.es.length).toBeGreaterThan(10);
    expect(said.es).not.toBe(said.en);
  }
  return f;
}

describe("/etc/hosts' mistakes", () => {
  it('is what the hosts component finds, reading /etc/hosts', () => {
    expect(hostsComponent.mistakes).toBe(hostsMistakes);
    expect(hostsMistakes.files(lab)).toEqual([HOSTS_FILE]);
  });

  it("finds nothing in the tutorial's lines, with Debian's own and the heartbeat addresses", () => {
    expect(hostsMistakes.find(lab, farm())).toEqual([]);
  });

  it("finds the site's name and a machine missing, with the lines to add", () => {
    const text = hostsOf('web1')
      .replace(/^192\.168\.1\.100 .*\n/m, '')
      .replace(/^192\.168\.1\.105 .*\n/m, '');
    const f = only(hostsMistakes.find(lab, farm({ web1: text })), 'web1');
    expect(f.wrong.en).toBe(
      '/etc/hosts has no line for trabajoswap.com (192.168.1.100) and web3 (192.168.1.105): web1 cannot resolve those names',
    );
    expect(f.fix.en).toBe(
      'add `192.168.1.100  trabajoswap.com` and `192.168.1.105  web3` to /etc/hosts on web1 (step T2)',
    );
    expect(f.wrong.es).toContain('no tiene línea para trabajoswap.com (192.168.1.100) y web3 (192.168.1.105)');
  });

  it('finds a name mapped to another address, by the line the resolver takes', () => {
    const f = only(
      hostsMistakes.find(
        lab,
        farm({ haproxy2: hostsOf('haproxy2').replace('192.168.1.104      web2', '192.168.1.14 web2') }),
      ),
      'haproxy2',
    );
    expect(f.wrong.en).toBe('/etc/hosts maps web2 to 192.168.1.14 (line 12), but web2 is 192.168.1.104');
    expect(f.fix.en).toContain('`192.168.1.104  web2` on line 12');
  });

  it("finds another machine's name or the site's on the loopback", () => {
    const text = `127.0.0.1 localhost trabajoswap.com\n${hostsOf('web3')}`;
    const f = only(hostsMistakes.find(lab, farm({ web3: text })), 'web3');
    expect(f.wrong.en).toContain('maps trabajoswap.com to 127.0.0.1 (line 1)');
  });

  it('finds the file missing', () => {
    const f = only(hostsMistakes.find(lab, farm({ web2: undefined })), 'web2');
    expect(f.wrong.en).toContain('/etc/hosts is missing');
  });

  it('never throws, whatever the file holds, and quotes no control character', () => {
    const garbage = [
      '',
      '\u0000\u001b[31m\ud800 web1\n192.168.1.999 web1\n1.2.3.4\n1.2.3.4 \u001b[2Jweb2 web2',
      Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 29) % 256)).toString('latin1'),
      `${'10.0.0.1 web1 '.repeat(5000)}\n${'1.1.1.1 x\n'.repeat(10_000)}`,
    ];
    for (const text of garbage) {
      const findings = hostsMistakes.find(lab, farm(Object.fromEntries(NAMES.map((n) => [n, text]))));
      for (const f of findings)
        for (const s of [f.wrong.en, f.wrong.es, f.fix.en, f.fix.es]) {
          expect(s).not.toMatch(/[\u0000-\u001f\u007f]/);
          expect(s.length).toBeLessThan(3000);
        }
    }
  });
});
