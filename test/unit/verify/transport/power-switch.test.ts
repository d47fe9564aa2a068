// The checks' power operations: one at a time, refused after an interrupt while restoring still
// works, and the machine's connection forgotten as it goes off and its endpoint read anew after.
import { describe, expect, it } from 'vitest';
import { KnownHosts } from '../../../../lib/engine/ssh/known-hosts.ts';
import { MachineConnections } from '../../../../lib/verify/transport/machine-connections.ts';
import { PowerSwitch } from '../../../../lib/verify/transport/power-switch.ts';

function fakeLab() {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const provider = {
    async powerOff(host: string) {
      calls.push(`off ${host} begins`);
      await new Promise<void>((r) => (release = r));
      calls.push(`off ${host} ends`);
    },
    async powerOn(host: string) {
      calls.push(`on ${host}`);
    },
    sshEndpoints: async () => new Map(),
  };
  const connections = new MachineConnections(provider, new KnownHosts('/nonexistent/known_hosts'));
  return { calls, provider, connections, switch: new PowerSwitch(provider, connections), release: () => release() };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('PowerSwitch', () => {
  it('runs one power operation at a time, in the order asked', async () => {
    const lab = fakeLab();
    const off = lab.switch.powerOff('haproxy1');
    const on = lab.switch.powerOn('haproxy1');
    await tick();
    expect(lab.calls).toEqual(['off haproxy1 begins']);
    lab.release();
    await Promise.all([off, on]);
    expect(lab.calls).toEqual(['off haproxy1 begins', 'off haproxy1 ends', 'on haproxy1']);
  });

  it('marks a machine off at once, so nothing waits on it, and on again once it booted', async () => {
    const lab = fakeLab();
    const off = lab.switch.powerOff('web2');
    await tick();
    expect(lab.connections.isOff('web2')).toBe(true);
    await expect(lab.connections.connection('web2')).rejects.toThrow('web2 is powered off');
    lab.release();
    await off;
    await lab.switch.powerOn('web2');
    expect(lab.connections.isOff('web2')).toBe(false);
  });

  it('after an interrupt refuses the checks any power operation, waits for the one under way, and still restores', async () => {
    const lab = fakeLab();
    const off = lab.switch.powerOff('haproxy1');
    await tick();
    const stopped = lab.switch.stopPowerOperations();
    await expect(lab.switch.powerOn('web1')).rejects.toThrow('verification interrupted: no more power operations');
    let done = false;
    void stopped.then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    lab.release();
    await Promise.all([off, stopped]);
    await lab.switch.restore('haproxy1');
    expect(lab.calls).toEqual(['off haproxy1 begins', 'off haproxy1 ends', 'on haproxy1']);
    expect(lab.connections.isOff('haproxy1')).toBe(false);
  });
});
