// The user's power commands (issue 29): run as the argument list they wrote, never through a
// shell; a failure said with the machine, the field and what the program printed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PowerCommandFailed, runPowerCommand } from '../../../../lib/providers/existing/power-command.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('a power command', () => {
  it('runs its program with its arguments as they are: no shell reads them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hafarm-power-'));
    const planted = join(dir, 'planted');
    await runPowerCommand('web2', 'off', ['echo', `x; touch ${planted}`, `$(touch ${planted})`, '`id`']);
    expect(existsSync(planted)).toBe(false);
  });

  it('that fails is one line: machine, field, exit status and what it printed', async () => {
    const failing = runPowerCommand('haproxy1', 'on', [
      'sh',
      '-c',
      'echo "VBoxManage: error: Could not find a registered machine named haproxy1" >&2; exit 1',
    ]);
    await expect(failing).rejects.toBeInstanceOf(PowerCommandFailed);
    await expect(failing).rejects.toThrow(
      'haproxy1: its power-on command (existing.haproxy1.power.on: sh -c echo "VBoxManage: error: Could not find a registered machine named haproxy1" >&2; exit 1) failed: exit status 1: VBoxManage: error: Could not find a registered machine named haproxy1',
    );
  });

  it('whose program is not installed says so', async () => {
    await expect(
      runPowerCommand('web1', 'off', ['VBoxManage-not-here', 'controlvm', 'web1', 'poweroff']),
    ).rejects.toThrow(
      'web1: its power-off command (existing.web1.power.off: VBoxManage-not-here controlvm web1 poweroff) failed: VBoxManage-not-here is not installed',
    );
  });

  it('prints what the program said on one line, control characters gone, cut at 300 characters', async () => {
    const noisy = runPowerCommand('web3', 'off', [
      'sh',
      '-c',
      `printf '\\033[31mred\\n%s' "$(head -c 2000 /dev/zero | tr '\\0' y)" >&2; exit 2`,
    ]);
    const message = await noisy.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(message).toMatch(/exit status 2: \[31mred y+…$/);
    expect(message.split(': exit status 2: ')[1]!.length).toBeLessThanOrEqual(301);
  });
});
