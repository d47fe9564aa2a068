// lab:ssh-config's file (lib/outside/ssh-config.ts): a Host block per running machine, as
// `vagrant ssh-config` prints, its files quoted for OpenSSH, its host keys checked strictly
// against the lab's known_hosts; a value no config could hold is refused, naming it.
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { ConfigValueRefused } from '../../../lib/outside/outside-lab.ts';
import { renderSshConfig } from '../../../lib/outside/ssh-config.ts';
import { TUTORIAL_LAB } from '../../helpers/cli.ts';
import { outsideLabOf } from '../../helpers/outside-lab.ts';

const lab = loadLab(TUTORIAL_LAB);

describe("lab:ssh-config's file", () => {
  it("has one block per machine, named as in the definition, in its order, with the lab's key and known_hosts", () => {
    const config = renderSshConfig(outsideLabOf(lab, '/srv/labs/swap'));
    expect([...config.matchAll(/^Host (\S+)$/gm)].map((m) => m[1])).toEqual([
      'haproxy1',
      'haproxy2',
      'web1',
      'web2',
      'web3',
    ]);
    expect(config.split('\n\n')[2]).toBe(
      [
        'Host haproxy2',
        '  HostName 10.213.7.3',
        '  Port 22',
        '  User root',
        '  IdentityFile "/srv/labs/swap/ssh/id_ed25519"',
        '  IdentitiesOnly yes',
        '  PasswordAuthentication no',
        '  UserKnownHostsFile "/srv/labs/swap/known_hosts"',
        '  GlobalKnownHostsFile /dev/null',
        '  HostKeyAlias haproxy2',
        '  StrictHostKeyChecking yes',
        '  CheckHostIP no',
        '  LogLevel ERROR',
      ].join('\n'),
    );
    expect(config).not.toMatch(/StrictHostKeyChecking (no|accept-new)/);
    expect(config.startsWith('# OpenSSH client config of hafarm lab "swap" (netns provider)')).toBe(true);
  });

  it('leaves out the machines it is not given (those not running)', () => {
    const outside = outsideLabOf(lab, '/s');
    const config = renderSshConfig({ ...outside, machines: outside.machines.filter((m) => m.host.name !== 'web2') });
    expect(config).not.toContain('web2');
    expect(config.match(/^Host /gm)).toHaveLength(4);
  });

  it('quotes a state folder with spaces, quotes, backslashes and % for OpenSSH, so that it stays one file', () => {
    const config = renderSshConfig(outsideLabOf(lab, '/my "lab" 100%d\\x', { user: 'vagrant', port: 2222 }));
    expect(config).toContain('  IdentityFile "/my \\"lab\\" 100%%d\\\\x/ssh/id_ed25519"\n');
    expect(config).toContain('  UserKnownHostsFile "/my \\"lab\\" 100%%d\\\\x/known_hosts"\n');
    expect(config).toContain('  Port 2222\n  User vagrant\n');
  });

  it.each([
    [
      'a line break in the state folder',
      { state: '/a\nProxyCommand evil' },
      'the lab: the known_hosts file "/a\\nProxyCommand evil/known_hosts" cannot go into a config file (allowed: an absolute path without control characters; pass another --state folder)',
    ],
    [
      'a relative key file',
      { keyFile: 'key' },
      'haproxy1: the private key file "key" cannot go into a config file (allowed: an absolute path',
    ],
    [
      'a user with a space',
      { user: 'root x' },
      'haproxy1: the SSH user "root x" cannot go into a config file (allowed: a login name',
    ],
    [
      'an address with a space',
      { address: () => '10.0.0.1 -oProxyCommand=x' },
      'haproxy1: the SSH address "10.0.0.1 -oProxyCommand=x" cannot go into a config file (allowed: an IP address or a DNS name)',
    ],
    [
      'port 0',
      { port: 0 },
      'haproxy1: the SSH port "0" cannot go into a config file (allowed: a whole number from 1 to 65535)',
    ],
  ])('refuses %s, naming it', (_what, change, message) => {
    const { state, ...options } = { state: '/s', ...change };
    expect(() => renderSshConfig(outsideLabOf(lab, state, options))).toThrow(ConfigValueRefused);
    expect(() => renderSshConfig(outsideLabOf(lab, state, options))).toThrow(message);
  });

  it('refuses an endpoint that belongs to another host', () => {
    const outside = outsideLabOf(lab, '/s');
    outside.machines[1] = { ...outside.machines[1]!, endpoint: { ...outside.machines[1]!.endpoint, host: 'web1' } };
    expect(() => renderSshConfig(outside)).toThrow(
      'haproxy2: the SSH endpoint of another host "web1" cannot go into a config file',
    );
  });
});
