// lab:exec hands the machine exactly the argv typed; one argument is a shell line (issue 12).
import { describe, expect, it } from 'vitest';
import { remoteCommandLine } from '../../../lib/cli/commands/remote-shell.ts';

describe('the command line lab:exec sends', () => {
  it('quotes each of several arguments, so the quoting typed survives', () => {
    expect(remoteCommandLine(['sh', '-c', 'echo x >> f'])).toBe(`sh -c 'echo x >> f'`);
    expect(remoteCommandLine(['grep', "it's dead", '/var/log/ha-log'])).toBe(`grep 'it'\\''s dead' /var/log/ha-log`);
    expect(remoteCommandLine(['printf', '%s\\n', '$HOME'])).toBe(`printf '%s\\n' '$HOME'`);
  });

  it('runs one argument as the shell line it is', () => {
    expect(remoteCommandLine(['tail /var/log/ha-log | grep dead'])).toBe('tail /var/log/ha-log | grep dead');
  });
});

describe("lab:ssh's OpenSSH arguments", () => {
  const endpoint = (user: string) => ({
    host: 'web1',
    address: '127.0.0.1',
    port: 2222,
    user,
    privateKeyFile: '/state dir/key',
  });

  it('quote the files for OpenSSH, check the key under the machine name, and give root a root shell as it is', async () => {
    const { sshArgs } = await import('../../../lib/cli/commands/remote-shell.ts');
    expect(sshArgs(endpoint('root'), 'web1', '/my "lab" 100%/known_hosts')).toEqual([
      '-o',
      'IdentityFile="/state dir/key"',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'UserKnownHostsFile="/my \\"lab\\" 100%%/known_hosts"',
      '-o',
      'HashKnownHosts=no',
      '-o',
      'HostKeyAlias=web1',
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-p',
      '2222',
      'root@127.0.0.1',
    ]);
  });

  it('become root through sudo -i on a terminal where the box logs in as vagrant', async () => {
    const { sshArgs } = await import('../../../lib/cli/commands/remote-shell.ts');
    const args = sshArgs(endpoint('vagrant'), 'web1', '/s/known_hosts');
    expect(args[0]).toBe('-t');
    expect(args.slice(-3)).toEqual(['vagrant@127.0.0.1', 'sudo', '-i']);
  });
});
