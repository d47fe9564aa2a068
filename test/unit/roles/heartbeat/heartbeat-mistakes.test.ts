// The Heartbeat mistakes of T5–T7 and T11, found in what the balancers hold: the tutorial's farm
// with its corrections holds none; each mistake a student copies is found alone, on its host,
// with its step, in both languages.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadLab, parseLab } from '../../../../lib/farm/load-lab.ts';
import type { Finding, MachineHoldings } from '../../../../roles/mistakes.ts';
import {
  AUTHKEYS,
  HA_CF,
  HARESOURCES,
  heartbeatMistakes,
  permissionBits,
} from '../../../../roles/heartbeat/heartbeat-mistakes.ts';
import { heartbeatStack } from '../../../../roles/heartbeat/heartbeat-stack.ts';

const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);

/** T5 as the screenshots have it (bcast eth2), its comments kept on their own lines. */
const HA_CF_TEXT = `logfile          /var/log/ha-log # Fichero que almacenará los logs
debugfile        /var/log/ha-debug # Fichero debug
deadtime         5 # Tras 5 segundos sin recibir respuesta del otro nodo, se considera como muerto.
warntime         10
initdead         15
bcast            eth2 # Indica la interfaz de red donde se levantará heartbeat
auto_failback    on
node             haproxy1 # Añade el nodo haproxy1 al cluster
node             haproxy2 # Añade el nodo haproxy2 al cluster
`;
const AUTHKEYS_TEXT = 'auth 3\n1 crc\n2 sha1 HI!\n3 md5 Hello!\n';
const HARESOURCES_TEXT = 'haproxy1 IPaddr::192.168.1.100/24/eth1\n';

interface Change {
  files?: Record<string, string | undefined>;
  modes?: Record<string, string>;
  nodeName?: string;
  interfaces?: Record<string, string[]>;
  running?: boolean;
}

function balancer(name: string, lan: string, hb: string, change: Change = {}): MachineHoldings {
  const files = new Map<string, { content: string; mode: string }>();
  const texts: Record<string, string | undefined> = {
    [HA_CF]: HA_CF_TEXT,
    [AUTHKEYS]: AUTHKEYS_TEXT,
    [HARESOURCES]: HARESOURCES_TEXT,
    ...change.files,
  };
  for (const [path, content] of Object.entries(texts)) {
    const mode = change.modes?.[path] ?? (path === AUTHKEYS ? '600' : '644');
    if (content !== undefined) files.set(path, { content, mode });
  }
  return {
    host: name,
    nodeName: change.nodeName ?? name,
    interfaces: new Map(
      Object.entries(
        change.interfaces ?? {
          lo: ['127.0.0.1/8'],
          eth0: ['10.0.2.15/24'],
          eth1: name === 'haproxy1' ? [`${lan}/24`, '192.168.1.100/24'] : [`${lan}/24`],
          eth2: [`${hb}/24`],
        },
      ),
    ),
    files,
    sysctls: new Map(),
    processes: new Map([['heartbeat', change.running ?? true]]),
  };
}

function farm(changes: { haproxy1?: Change; haproxy2?: Change; both?: Change } = {}): Map<string, MachineHoldings> {
  const merge = (own?: Change): Change => ({
    ...changes.both,
    ...own,
    files: { ...changes.both?.files, ...own?.files },
    modes: { ...changes.both?.modes, ...own?.modes },
  });
  return new Map([
    ['haproxy1', balancer('haproxy1', '192.168.1.101', '10.100.100.1', merge(changes.haproxy1))],
    ['haproxy2', balancer('haproxy2', '192.168.1.102', '10.100.100.2', merge(changes.haproxy2))],
  ]);
}

const find = (holdings: Map<string, MachineHoldings>) => heartbeatMistakes.find(lab, holdings);

/** The one finding there is, checked for its step, host and both languages. */
function only(findings: Finding[], step: string, host: string): Finding {
  expect(findings.map((f) => [f.step, f.host])).toEqual([[step, host]]);
  return saidWell(findings[0]!);
}

function saidWell(f: Finding): Finding {
  for (const said of [f.wrong, f.fix]) {
    expect(said.en.length).toBeGreaterThan(10);
    expect(said.es.length).toBeGreaterThan(10);
    expect(said.es).not.toBe(said.en);
  }
  return f;
}

const haCf = (edit: (text: string) => string) => ({ files: { [HA_CF]: edit(HA_CF_TEXT) } });

describe("Heartbeat's mistakes", () => {
  it('is what the Heartbeat stack finds, reading its three files and its process', () => {
    expect(heartbeatStack.mistakes).toBe(heartbeatMistakes);
    expect(heartbeatMistakes.files(lab)).toEqual([HA_CF, AUTHKEYS, HARESOURCES]);
    expect(heartbeatMistakes.processes).toEqual(['heartbeat']);
  });

  it("finds nothing in the tutorial's farm with its corrections", () => {
    expect(find(farm())).toEqual([]);
  });

  it('finds nothing on a balancer it could not read', () => {
    const holdings = farm();
    holdings.delete('haproxy2');
    expect(find(holdings)).toEqual([]);
  });

  describe('ha.cf (T5)', () => {
    it("finds the tutorial text's `bcast eth1`, naming the LAN and where the heartbeat address is", () => {
      const f = only(find(farm({ haproxy1: haCf((t) => t.replace('eth2', 'eth1')) })), 'T5', 'haproxy1');
      expect(f.wrong.en).toBe(
        '/etc/ha.d/ha.cf (line 6) says `bcast eth1`, but eth1 carries the LAN (192.168.1.101/24); the heartbeat address 10.100.100.1 is on eth2',
      );
      expect(f.wrong.es).toContain('eth1 lleva la LAN (192.168.1.101/24)');
      expect(f.fix.en).toBe(
        'write `bcast eth2` in /etc/ha.d/ha.cf on haproxy1 and restart Heartbeat (/etc/init.d/heartbeat restart)',
      );
    });

    it('finds an interface the machine does not have, on bcast, ucast and mcast', () => {
      for (const line of ['bcast eth3', 'ucast eth3 10.100.100.1', 'mcast eth3 225.0.0.1 694 1 0']) {
        const f = only(find(farm({ haproxy2: haCf((t) => t.replace(/^bcast .*$/m, line)) })), 'T5', 'haproxy2');
        expect(f.wrong.en).toContain('haproxy2 has no interface eth3 (it has lo, eth0, eth1, eth2)');
        expect(f.wrong.es).toContain('tu haproxy2 no tiene la interfaz eth3');
      }
    });

    it('accepts ucast and mcast on the heartbeat interface', () => {
      for (const line of ['ucast eth2 10.100.100.2', 'mcast eth2 225.0.0.1 694 1 0']) {
        expect(find(farm({ both: haCf((t) => t.replace(/^bcast .*$/m, line)) }))).toEqual([]);
      }
    });

    it('finds no bcast line at all', () => {
      const f = only(find(farm({ haproxy1: haCf((t) => t.replace(/^bcast .*$/m, '')) })), 'T5', 'haproxy1');
      expect(f.wrong.en).toContain('no bcast line');
      expect(f.fix.en).toContain('`bcast eth2`');
    });

    it("finds the tutorial text's comments cut onto lines of their own, which Heartbeat refuses", () => {
      const wrapped = HA_CF_TEXT.replace(
        'respuesta del otro nodo, se considera como muerto.',
        'respuesta del\notro nodo, se considera como muerto.',
      ).replace('donde se levantará heartbeat', 'donde se\nlevantará heartbeat');
      const f = only(find(farm({ haproxy1: { files: { [HA_CF]: wrapped } } })), 'T5', 'haproxy1');
      expect(f.wrong.en).toContain(
        'line 4 `otro nodo, se considera como muerto.` and line 8 `levantará heartbeat`; it refuses the whole file ("Illegal directive")',
      );
      expect(f.wrong.en).toContain('the end of the comment above it');
      expect(f.fix.es).toContain('une cada una de esas líneas al comentario');
    });

    it('wants both networks on bcast where ha.paths has the LAN too', () => {
      const text = readFileSync(new URL('../../../../lab.yaml', import.meta.url), 'utf8');
      const twoPaths = parseLab(`${text}\nha:\n  paths: [heartbeat, lan]\n`, '/labs/two-paths.yaml');
      const both = haCf((t) => t.replace('bcast            eth2', 'bcast eth2 eth1'));
      expect(heartbeatMistakes.find(twoPaths, farm({ both }))).toEqual([]);
      const lanOnly = haCf((t) => t.replace('bcast            eth2', 'bcast eth1'));
      const f = only(heartbeatMistakes.find(twoPaths, farm({ haproxy2: lanOnly })), 'T5', 'haproxy2');
      expect(f.wrong.en).toContain('says `bcast eth1`: no heartbeats on the heartbeat network');
      expect(f.fix.en).toContain('`bcast eth2 eth1`');
    });

    it("names a node line that is no machine's uname -n, and what uname -n says", () => {
      const f = only(
        find(farm({ haproxy1: haCf((t) => t.replace('node             haproxy1', 'node haproxy-1')) })),
        'T5',
        'haproxy1',
      );
      expect(f.wrong.en).toContain('`node haproxy-1` (line 8), but no balancer is called so');
      expect(f.wrong.en).toContain('uname -n says haproxy1 on haproxy1 and haproxy2 on haproxy2');
      expect(f.wrong.en).toContain('Current node [haproxy1] not in configuration');
      expect(f.fix.en).toContain('(`node haproxy1` and `node haproxy2`)');
    });

    it('finds, on both balancers, a machine whose uname -n is not its tutorial name', () => {
      const findings = find(farm({ haproxy2: { nodeName: 'debian' } }));
      expect(findings.map((f) => [f.step, f.host])).toEqual([
        ['T5', 'haproxy1'],
        ['T5', 'haproxy2'],
      ]);
      for (const f of findings.map(saidWell)) {
        expect(f.wrong.en).toContain('`node haproxy2` (line 9)');
        expect(f.wrong.en).toContain('debian on haproxy2');
        expect(f.fix.en).toContain('hostnamectl set-hostname haproxy2 on haproxy2');
      }
    });

    it("says where the master's uname -n must go in haresources too, and finds nothing more there", () => {
      const findings = find(farm({ haproxy1: { nodeName: 'ubuntu' } }));
      expect(findings.map((f) => [f.step, f.host])).toEqual([
        ['T5', 'haproxy1'],
        ['T5', 'haproxy2'],
      ]);
      expect(findings[0]!.fix.en).toContain('begin /etc/ha.d/haresources with ubuntu');
      expect(findings[0]!.fix.es).toContain('empieza /etc/ha.d/haresources por ubuntu');
    });
  });

  describe('authkeys (T6)', () => {
    it('finds it missing', () => {
      const f = only(find(farm({ haproxy2: { files: { [AUTHKEYS]: undefined } } })), 'T6', 'haproxy2');
      expect(f.wrong.en).toContain('/etc/ha.d/authkeys is missing');
    });

    it('finds a mode others can read, as octal or as ls writes it', () => {
      for (const mode of ['644', '0644', '-rw-r--r--']) {
        const f = only(find(farm({ haproxy1: { modes: { [AUTHKEYS]: mode } } })), 'T6', 'haproxy1');
        expect(f.wrong.en).toContain('Bad permissions on keyfile');
        expect(f.fix.en).toContain('chmod 600 /etc/ha.d/authkeys');
      }
    });

    it('finds `auth N` naming a key the file does not define', () => {
      const f = only(
        find(farm({ haproxy1: { files: { [AUTHKEYS]: 'auth 4\n1 crc\n2 sha1 HI!\n3 md5 Hello!\n' } } })),
        'T6',
        'haproxy1',
      );
      expect(f.wrong.en).toContain('says `auth 4`, but there is no key 4: it defines 1, 2 and 3');
      expect(f.wrong.en).not.toContain('HI!');
    });

    it("takes the screenshot's `auth 3_` as Heartbeat does: key 3", () => {
      expect(find(farm({ both: { files: { [AUTHKEYS]: 'auth 3_\n1 crc\n2 sha1 HI!\n3 md5 Hello!\n' } } }))).toEqual([]);
    });

    it("finds the balancers' keys differing, on the backup, without quoting them", () => {
      const f = only(
        find(farm({ haproxy2: { files: { [AUTHKEYS]: 'auth 3\n1 crc\n2 sha1 HI!\n3 md5 Adios!\n' } } })),
        'T6',
        'haproxy2',
      );
      expect(f.wrong.en).toContain("differs from haproxy1's");
      expect(`${f.wrong.en}${f.wrong.es}${f.fix.en}${f.fix.es}`).not.toMatch(/Adios|Hello/);
    });
  });

  describe('haresources (T7)', () => {
    it('finds it missing', () => {
      const f = only(find(farm({ haproxy1: { files: { [HARESOURCES]: undefined } } })), 'T7', 'haproxy1');
      expect(f.fix.en).toContain('`haproxy1 IPaddr::192.168.1.100/24/eth1`');
    });

    it('finds a first word that is not the master', () => {
      const f = only(
        find(farm({ haproxy2: { files: { [HARESOURCES]: 'haproxy2 IPaddr::192.168.1.100/24/eth1\n' } } })),
        'T7',
        'haproxy2',
      );
      expect(f.wrong.en).toContain('begins with `haproxy2`, but the master haproxy1 is called haproxy1');
    });

    it('finds an address that is not the VIP', () => {
      const f = only(
        find(farm({ haproxy1: { files: { [HARESOURCES]: 'haproxy1 IPaddr::192.168.1.10/24/eth1\n' } } })),
        'T7',
        'haproxy1',
      );
      expect(f.wrong.en).toContain("puts 192.168.1.10 on the master, but the farm's floating IP is 192.168.1.100");
    });

    it('finds the VIP put on the heartbeat interface, or on one the machine does not have', () => {
      const onHb = only(
        find(farm({ haproxy1: { files: { [HARESOURCES]: 'haproxy1 IPaddr::192.168.1.100/24/eth2\n' } } })),
        'T7',
        'haproxy1',
      );
      expect(onHb.wrong.en).toContain('eth2 carries the heartbeat network (10.100.100.1/24)');
      const absent = only(
        find(farm({ haproxy2: { files: { [HARESOURCES]: 'haproxy1 IPaddr::192.168.1.100/24/eth7\n' } } })),
        'T7',
        'haproxy2',
      );
      expect(absent.wrong.en).toContain('haproxy2 has no interface eth7');
      expect(absent.fix.en).toContain('`haproxy1 IPaddr::192.168.1.100/24/eth1`');
    });

    it('accepts IPaddr2, no interface, the bare address, and each machine its own interface name', () => {
      for (const line of [
        'haproxy1 IPaddr2::192.168.1.100/24/eth1',
        'haproxy1 IPaddr::192.168.1.100/24',
        'haproxy1 192.168.1.100',
      ]) {
        expect(find(farm({ both: { files: { [HARESOURCES]: `${line}\n` } } }))).toEqual([]);
      }
      const renamed = {
        interfaces: { eth0: ['10.0.2.16/24'], enp0s8: ['192.168.1.102/24'], enp0s9: ['10.100.100.2/24'] },
        files: {
          [HA_CF]: HA_CF_TEXT.replace('eth2', 'enp0s9'),
          [HARESOURCES]: 'haproxy1 IPaddr::192.168.1.100/24/enp0s8\n',
        },
      };
      expect(find(farm({ haproxy2: renamed }))).toEqual([]);
    });

    it("finds the balancers' lines differing, on the backup", () => {
      const f = only(
        find(farm({ haproxy2: { files: { [HARESOURCES]: 'haproxy1 IPaddr::192.168.1.100/16/eth1\n' } } })),
        'T7',
        'haproxy2',
      );
      expect(f.wrong.en).toContain("says `haproxy1 IPaddr::192.168.1.100/16/eth1`, haproxy1's says");
    });
  });

  describe('the process (T11)', () => {
    it('finds Heartbeat not running where nothing explains it', () => {
      const f = only(find(farm({ haproxy2: { running: false } })), 'T11', 'haproxy2');
      expect(f.wrong.en).toBe('heartbeat is not running on haproxy2');
      expect(f.fix.en).toContain('/var/log/ha-log');
    });

    it('says it is not running in the mistake that stops it, and adds nothing', () => {
      const f = only(find(farm({ haproxy2: { running: false, modes: { [AUTHKEYS]: '644' } } })), 'T6', 'haproxy2');
      expect(f.wrong.en).toContain('(Heartbeat is not running on haproxy2)');
      expect(f.wrong.es).toContain('(Heartbeat no está en marcha en tu haproxy2)');
    });

    it('still finds it not running when the mistake found would not stop it', () => {
      const findings = find(farm({ haproxy1: { running: false, ...haCf((t) => t.replace('eth2', 'eth1')) } }));
      expect(findings.map((f) => [f.step, f.host])).toEqual([
        ['T5', 'haproxy1'],
        ['T11', 'haproxy1'],
      ]);
    });
  });

  it('never throws, whatever the files hold, and quotes no control character', () => {
    const garbage = [
      '',
      '\u0000\u0001\u001b[31m\ud800',
      Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 37) % 256)).toString('latin1'),
      'bcast \u001b[2J' + 'x'.repeat(100_000),
      'node ,,,,\nnode\nbcast\nucast\nauth\n2\nhaproxy1 IPaddr::\nIPaddr2::/\n#\n',
      `${'bcast eth9 '.repeat(6000)}\n${'line\n'.repeat(12_000)}`,
    ];
    for (const text of garbage) {
      const files = { [HA_CF]: text, [AUTHKEYS]: text, [HARESOURCES]: text };
      for (const mode of ['', 'garbage', '7777', '-rwxrwxrwx']) {
        const findings = find(
          farm({ both: { files, modes: { [AUTHKEYS]: mode } }, haproxy2: { nodeName: text, interfaces: {} } }),
        );
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

  it('reads the permission bits of a mode as stat or ls writes it', () => {
    expect(permissionBits('600')).toBe(0o600);
    expect(permissionBits('100600')).toBe(0o600);
    expect(permissionBits('-rw-r-----')).toBe(0o640);
    expect(permissionBits('nonsense')).toBeUndefined();
  });
});
