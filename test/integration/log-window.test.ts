// V4/V5's evidence comes from Heartbeat's log as written during the check only (issue 12): an
// "is dead" line from a run a minute earlier must never count. Against a real sshd, with a log
// file whose name needs quoting.
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import type { LabProvider, SshEndpoint } from '../../lib/providers/provider.ts';
import { linesSince, markLog } from '../../lib/verify/log-window.ts';
import { MachineConnections } from '../../lib/verify/transport/machine-connections.ts';
import { sshdForTests } from '../helpers/sshd.ts';

const { scratch, sshd } = sshdForTests('log-window');
let shell: MachineConnections;

beforeAll(() => {
  const provider = {
    sshEndpoints: async () => new Map<string, SshEndpoint>([['haproxy2', sshd().endpoint('haproxy2')]]),
  } as unknown as LabProvider;
  shell = new MachineConnections(provider, new KnownHosts(join(scratch.dir, 'known_hosts')));
});
afterAll(() => shell?.closeAll());

const DEAD = 'heartbeat[812]: 2026/11/26_10:00:01 WARN: node haproxy1: is dead';

describe("a log read within the check's window", () => {
  it("gives only the lines written after the mark, never an older run's", async () => {
    const log = join(scratch.dir, "ha log's; touch pwned");
    writeFileSync(
      log,
      `${DEAD}\nheartbeat[812]: 2026/11/26_10:00:01 info: Taking over resource group IPaddr::192.168.1.100\n`,
    );
    const mark = await markLog(shell, 'haproxy2', log);
    expect(await linesSince(shell, mark, 'node haproxy1: is dead|Taking over resource')).toEqual([]);

    const fresh = 'heartbeat[812]: 2026/11/26_10:05:09 WARN: node haproxy1: is dead';
    appendFileSync(log, `heartbeat[812]: 2026/11/26_10:05:09 info: Link haproxy1:eth2 dead.\n${fresh}\n`);
    expect(await linesSince(shell, mark, 'node haproxy1: is dead|Taking over resource')).toEqual([fresh]);
    // The name was quoted: nothing ran.
    expect(
      (await shell.exec('haproxy2', `test -e ${join(scratch.dir, 'pwned')} && echo ran || echo safe`)).stdout.trim(),
    ).toBe('safe');
  }, 60_000);

  it('reads the whole file when it was rotated or truncated since the mark, and nothing when it is gone', async () => {
    const log = join(scratch.dir, 'ha-log');
    writeFileSync(log, `${DEAD}\n${'x'.repeat(500)}\n`);
    const mark = await markLog(shell, 'haproxy2', log);
    writeFileSync(log, `${DEAD}\n`);
    expect(await linesSince(shell, mark, 'is dead')).toEqual([DEAD]);
    rmSync(log);
    expect(await linesSince(shell, mark, 'is dead')).toEqual([]);
    expect((await markLog(shell, 'haproxy2', log)).bytes).toBe(0);
  }, 60_000);
});
