// The engine's pure parts: shell quoting, the persistent shell's framing, text edits, facts
// parsing, the recap and the tags --tags may name.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseFacts, interfaceHolding } from '../../../lib/engine/facts.ts';
import { withBlock, withLine } from '../../../lib/engine/modules/text-edit.ts';
import { normalizeMode } from '../../../lib/engine/modules/remote-file.ts';
import { count, emptyStats, formatRecap, recapSucceeded } from '../../../lib/engine/recap.ts';
import { FrameParser, FrameTooLarge, runLine, shellPreamble } from '../../../lib/engine/ssh/shell-protocol.ts';
import { command, quote } from '../../../lib/engine/ssh/shell-quote.ts';
import { existingTags } from '../../../lib/cli/commands/provision.ts';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { TUTORIAL_LAB } from '../../helpers/cli.ts';

describe('shell quoting', () => {
  it('round-trips awkward values through a real sh', () => {
    for (const value of ["it's", 'a b', '$HOME', '`id`', 'x"y', 'line\nbreak', '', '--flag']) {
      expect(execFileSync('sh', ['-c', `printf %s ${quote(value)}`]).toString()).toBe(value);
    }
    expect(command('install', '-m', '0600', '/tmp/a b')).toBe("install -m 0600 '/tmp/a b'");
  });
});

describe('persistent shell framing', () => {
  it('runs commands in a real sh and cuts the answers apart, whatever they print', () => {
    const boundary = '@@hafarm-test';
    const script =
      shellPreamble(boundary) +
      runLine(1, 5, 'printf "no newline"; echo err >&2') +
      runLine(2, 5, `printf '${boundary} 9 out\\n'; exit 7`) +
      runLine(3, 5, 'head -c 3 /dev/zero');
    const output = execFileSync('sh', ['-s'], { input: script });
    const parser = new FrameParser(boundary);
    // Fed a byte at a time, as a slow link would deliver it.
    const frames = [...output].flatMap((byte) => parser.push(Buffer.from([byte])));
    expect(frames.map((f) => [f.id, f.code, f.stdout.toString(), f.stderr.toString()])).toEqual([
      [1, 0, 'no newline', 'err\n'],
      [2, 7, `${boundary} 9 out\n`, ''],
      [3, 0, '\0\0\0', ''],
    ]);
  });

  it('reports the exit code of timeout when a command runs too long', () => {
    const boundary = '@@t';
    const output = execFileSync('sh', ['-s'], { input: shellPreamble(boundary) + runLine(1, 1, 'sleep 5') });
    expect(new FrameParser(boundary).push(output)[0]?.code).toBe(124);
  });

  it("refuses a machine's answer larger than it takes into memory, instead of growing without end", () => {
    const boundary = '@@big';
    const output = execFileSync('sh', ['-s'], {
      input: shellPreamble(boundary) + runLine(1, 5, 'head -c 5000 /dev/zero'),
    });
    const parser = new FrameParser(boundary, 4096);
    expect(() => parser.push(output)).toThrow(FrameTooLarge);
    // an answer within the bound is a frame as before
    const small = execFileSync('sh', ['-s'], {
      input: shellPreamble(boundary) + runLine(1, 5, 'head -c 100 /dev/zero'),
    });
    expect(new FrameParser(boundary, 4096).push(small)[0]?.stdout.length).toBe(100);
  });
});

describe('text edits', () => {
  it('adds a managed block once, replaces it in place, keeps the rest', () => {
    const hosts = '127.0.0.1 localhost\n::1 localhost ip6-localhost\n';
    const once = withBlock(hosts, 'hafarm', '192.168.1.100 trabajoswap.com');
    expect(once).toBe(`${hosts}# BEGIN hafarm\n192.168.1.100 trabajoswap.com\n# END hafarm\n`);
    expect(withBlock(once, 'hafarm', '192.168.1.100 trabajoswap.com')).toBe(once);
    const edited = withBlock(`${once}10.0.0.9 other\n`, 'hafarm', '192.168.1.99 trabajoswap.com\n');
    expect(edited).toBe(`${hosts}# BEGIN hafarm\n192.168.1.99 trabajoswap.com\n# END hafarm\n10.0.0.9 other\n`);
    expect(withBlock('no newline at end', 'm', 'x')).toBe('no newline at end\n# BEGIN m\nx\n# END m\n');
  });

  it('sets one line: replaces the match, drops duplicates, appends when absent', () => {
    expect(withLine('ENABLED=0\nOTHER=1\n', 'ENABLED=1', /^ENABLED=/)).toBe('ENABLED=1\nOTHER=1\n');
    expect(withLine('ENABLED=0\nENABLED=0\n', 'ENABLED=1', /^ENABLED=/)).toBe('ENABLED=1\n');
    expect(withLine('', 'net.ipv4.ip_nonlocal_bind = 1', /^net\.ipv4\.ip_nonlocal_bind\s*=/)).toBe(
      'net.ipv4.ip_nonlocal_bind = 1\n',
    );
    expect(withLine('A=1', 'B=2', /^B=/)).toBe('A=1\nB=2\n');
  });

  it('normalizes file modes', () => {
    expect(normalizeMode('644')).toBe('0644');
    expect(normalizeMode(0o600)).toBe('0600');
    expect(() => normalizeMode('999')).toThrow(/invalid file mode/);
  });
});

describe('facts', () => {
  const output = [
    '@@os',
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
    'ID=debian',
    'VERSION_ID="12"',
    '@@init',
    'sysv',
    '@@hostname',
    'haproxy1',
    '@@interfaces',
    JSON.stringify([
      { ifname: 'lo', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
      {
        ifname: 'enp0s9',
        address: '08:00:27:aa:bb:cc',
        addr_info: [
          { family: 'inet', local: '10.100.100.1', prefixlen: 24, broadcast: '10.100.100.255' },
          { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
        ],
      },
    ]),
    '@@packages',
    'heartbeat\tii \t1:3.0.6-13+b2',
    'haproxy\trc \t2.6.12-1',
    'libc6:amd64\tii \t2.36-9',
    '',
  ].join('\n');

  it('reads OS, init, hostname, interfaces and installed packages', () => {
    const facts = parseFacts(output);
    expect(facts.os).toEqual({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(facts.init).toBe('sysv');
    expect(facts.hostname).toBe('haproxy1');
    expect(facts.interfaces[1]).toEqual({
      name: 'enp0s9',
      mac: '08:00:27:aa:bb:cc',
      addresses: [{ address: '10.100.100.1', prefix: 24, broadcast: '10.100.100.255' }],
    });
    expect([...facts.packages.keys()]).toEqual(['heartbeat', 'libc6']);
  });

  it('finds the interface holding an address instead of assuming eth2 (T5)', () => {
    expect(interfaceHolding(parseFacts(output), '10.100.100.1')?.name).toBe('enp0s9');
    expect(interfaceHolding(parseFacts(output), '10.100.100.2')).toBeUndefined();
  });
});

describe('recap', () => {
  it('prints Ansible’s PLAY RECAP and counts changed tasks in ok, as Ansible does', () => {
    const web1 = emptyStats();
    for (const status of ['ok', 'changed', 'changed', 'skipped'] as const) count(web1, status);
    const haproxy1 = { ...emptyStats(), unreachable: 1 };
    const recap = new Map([
      ['haproxy1', haproxy1],
      ['web1', web1],
    ]);
    expect(formatRecap(recap).split('\n')).toEqual([
      'PLAY RECAP',
      'haproxy1   : ok=0     changed=0   unreachable=1   failed=0   skipped=0',
      'web1       : ok=3     changed=2   unreachable=0   failed=0   skipped=1',
    ]);
    expect(recapSucceeded(recap)).toBe(false);
    expect(recapSucceeded(new Map([['web1', web1]]))).toBe(true);
  });
});

describe('file states read in one command', () => {
  it('reads many paths at once: missing, directory, empty, binary and text files', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync, chmodSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { fileStatesCommand, parseFileStates } = await import('../../../lib/engine/modules/remote-file.ts');
    const dir = mkdtempSync(join(tmpdir(), 'hafarm-states-'));
    writeFileSync(join(dir, 'text'), 'line one\n@@\nline three\n');
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, 'binary'), Buffer.from([0, 10, 64, 64, 10, 255]));
    chmodSync(join(dir, 'binary'), 0o600);
    mkdirSync(join(dir, 'a dir'));
    const paths = [
      join(dir, 'missing'),
      join(dir, 'text'),
      join(dir, 'a dir'),
      join(dir, 'empty'),
      join(dir, 'binary'),
    ];
    const states = parseFileStates(paths, execFileSync('sh', ['-c', fileStatesCommand(paths)]));
    expect(states.get(paths[0]!)).toEqual({ exists: false });
    expect(states.get(paths[1]!)).toMatchObject({
      exists: true,
      kind: 'file',
      mode: '0644',
      content: Buffer.from('line one\n@@\nline three\n'),
    });
    expect(states.get(paths[2]!)).toMatchObject({ exists: true, kind: 'directory' });
    expect(states.get(paths[3]!)).toMatchObject({ kind: 'file', content: Buffer.alloc(0) });
    expect(states.get(paths[4]!)).toMatchObject({
      kind: 'file',
      mode: '0600',
      content: Buffer.from([0, 10, 64, 64, 10, 255]),
    });
    const none = [join(dir, 'x'), join(dir, 'y')];
    expect([...parseFileStates(none, execFileSync('sh', ['-c', fileStatesCommand(none)])).values()]).toEqual([
      { exists: false },
      { exists: false },
    ]);
    execFileSync('rm', ['-rf', dir]);
  });
});

describe('the tags --tags may name', () => {
  it("are the roles' names and the step IDs of their tasks", () => {
    expect(existingTags(loadLab(TUTORIAL_LAB)).sort()).toEqual([
      'T10',
      'T11',
      'T2',
      'T3',
      'T4',
      'T5',
      'T6',
      'T7',
      'T8',
      'T9',
      'haproxy',
      'heartbeat',
      'hosts',
      'network',
      'nginx',
      'remove-keepalived',
      'tools',
    ]);
  });
});
