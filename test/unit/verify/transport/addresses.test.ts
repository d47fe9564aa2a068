// Who holds an address: asked with `ip` on each machine; a machine that is off or does not
// answer holds nothing, and the address reaches the shell quoted.
import { describe, expect, it } from 'vitest';
import { holderOf, holds, interfaceWith } from '../../../../lib/verify/transport/addresses.ts';

function machines(addresses: Record<string, string>, off: string[] = []) {
  const commands: string[] = [];
  return {
    commands,
    isOff: (host: string) => off.includes(host),
    async exec(host: string, command: string) {
      commands.push(command);
      if (!(host in addresses)) throw new Error(`${host} does not answer`);
      const line = `3: eth1    inet ${addresses[host]}/24 scope global eth1`;
      const answer = command.startsWith('ip -o -4 addr show to')
        ? command.endsWith(` ${addresses[host]}/32`)
          ? line
          : ''
        : String(command.includes(`' ${addresses[host]}/'`) ? 1 : 0);
      return { code: 0, stdout: `${answer}\n`, stderr: '', stdoutBytes: Buffer.from(answer) };
    },
  };
}

describe('addresses', () => {
  it('finds the one holder among the hosts, asking each', async () => {
    const m = machines({ haproxy1: '192.168.1.101', haproxy2: '192.168.1.100' });
    expect(await holderOf(m, ['haproxy1', 'haproxy2'], '192.168.1.100')).toBe('haproxy2');
    expect(await holderOf(m, ['haproxy1'], '192.168.1.100')).toBeUndefined();
    expect(m.commands[0]).toBe("ip -4 -o addr show | grep -c -F ' 192.168.1.100/' || true");
  });

  it('names no holder when two hold the address (a split brain): the master holding it is not enough to begin a check', async () => {
    const m = machines({ haproxy1: '192.168.1.100', haproxy2: '192.168.1.100' });
    expect(await holderOf(m, ['haproxy1', 'haproxy2'], '192.168.1.100')).toBeUndefined();
  });

  it('says a machine that is off or does not answer holds nothing, without asking one that is off', async () => {
    const m = machines({ haproxy1: '192.168.1.100' }, ['haproxy1']);
    expect(await holds(m, 'haproxy1', '192.168.1.100')).toBe(false);
    expect(await holds(m, 'ghost', '192.168.1.100')).toBe(false);
    expect(m.commands).toHaveLength(1);
  });

  it('names the interface that carries an address, and says when none does', async () => {
    const m = machines({ web3: '192.168.1.105' });
    expect(await interfaceWith(m, 'web3', '192.168.1.105')).toBe('eth1');
    await expect(interfaceWith(m, 'web3', '192.168.1.9')).rejects.toThrow('web3 has no interface with 192.168.1.9');
  });
});
