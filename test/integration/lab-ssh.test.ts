// lab:ssh's OpenSSH command line against a real sshd (issue 13): a state folder whose path has a
// space, a quote or a % must still be one known_hosts file, so that a changed host key is refused.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshArgs } from '../../lib/cli/commands/remote-shell.ts';
import { sshdForTests } from '../helpers/sshd.ts';

const { scratch, sshd } = sshdForTests('lab-ssh');

function ssh(knownHosts: string) {
  const args = sshArgs(sshd().endpoint('haproxy1'), 'haproxy1', knownHosts, ['echo', 'inside']);
  return spawnSync('ssh', ['-o', 'BatchMode=yes', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
}

describe('lab:ssh', () => {
  it('keeps one known_hosts file in a state folder named with a space, a quote and a %, and refuses a changed key', async () => {
    const state = join(scratch.dir, `my "lab" 100%d`);
    mkdirSync(state);
    const knownHosts = join(state, 'known_hosts');
    const first = ssh(knownHosts);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe('inside');
    // The key went into that file, under the machine's name, and no stray file was made beside it.
    expect(readFileSync(knownHosts, 'utf8')).toMatch(/^haproxy1 ssh-ed25519 /m);
    expect(readdirSync(scratch.dir)).toEqual([`my "lab" 100%d`]);
    expect(existsSync(join(scratch.dir, 'my'))).toBe(false);

    await sshd().replaceHostKey();
    const changed = ssh(knownHosts);
    expect(changed.status).not.toBe(0);
    expect(changed.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    expect(execFileSync('cat', [knownHosts], { encoding: 'utf8' }).match(/^haproxy1 /gm)).toHaveLength(1);
  }, 60_000);
});
