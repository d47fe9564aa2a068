// npm run bench:provision (issue 27, class 10), as root: on a host npm test has not prepared it
// says in one line what is missing and what to run, never a stack trace; stopped by SIGTERM it
// ends its five sshd and removes their files. The unprepared host is this one seen from a mount
// namespace of the test's own, without openssh-server's programs and without the test's user.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, scratchDir } from '../helpers/cli.ts';
import { SUDO_USER } from '../helpers/sshd.ts';
import { waitFor } from '../helpers/netns-lab.ts';

const scratch = scratchDir('bench-provision');
afterAll(() => scratch.remove());

/** Every process below `pid`, with its command line. */
function descendants(pid: number): Map<number, string> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const below = new Map<number, string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parents)
      if ((parent === pid || below.has(parent)) && !below.has(child)) {
        try {
          below.set(child, readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' '));
          grew = true;
        } catch {
          // ended meanwhile
        }
      }
  }
  return below;
}

describe('npm run bench:provision', () => {
  it('on a host npm test has not prepared: one line, what is missing and what to run', async () => {
    const passwd = join(scratch.dir, 'passwd');
    writeFileSync(
      passwd,
      readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith(`${SUDO_USER}:`))
        .join('\n'),
    );
    const result = await execa(
      'unshare',
      [
        '--mount',
        'sh',
        '-c',
        'mount -t tmpfs tmpfs /usr/sbin && mount --bind "$1" /etc/passwd && exec npm run -s bench:provision',
        'sh',
        passwd,
      ],
      { cwd: PROJECT_DIR, reject: false, stdin: 'ignore', timeout: 120_000 },
    );
    expect(result.exitCode, String(result.stderr)).toBe(1);
    expect(String(result.stdout)).toBe('');
    expect(String(result.stderr).split('\n')).toEqual([
      `bench:provision: this host is not prepared for it (missing: openssh-server, the login user ${SUDO_USER} with passwordless sudo); run npm test's first step as root, which installs and makes them: npx tsx scripts/prepare-test-host.ts`,
    ]);
  }, 120_000);

  it('stopped by SIGTERM: its sshd end and their files go', async () => {
    const child = spawn(
      process.execPath,
      [join(PROJECT_DIR, 'node_modules/tsx/dist/cli.mjs'), 'scripts/bench-provision.ts'],
      {
        cwd: PROJECT_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let said = '';
    child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    await waitFor('the bench starts its play', async () => said.includes('bench:provision — 5 hosts'), 60_000);
    const sshd = [...descendants(child.pid!)].filter(([, args]) => /sshd.* -f \S+\/sshd_config/.test(args));
    // five listeners (each connection's sshd names the same config)
    expect(new Set(sshd.map(([, args]) => /-f (\S+)\/sshd_config/.exec(args)![1]))).toHaveProperty('size', 5);
    child.kill('SIGTERM');
    expect(await exited, said).toBe(143);
    expect(said).toContain('bench:provision: SIGTERM: stopping; removing its sshd and files');
    // each connection's sshd was sent SIGTERM and ends within moments of the listener
    await waitFor(
      'every sshd of the bench ends',
      async () => sshd.every(([pid]) => !existsSync(`/proc/${pid}`)),
      10_000,
    );
    for (const [, args] of sshd) {
      expect(existsSync(/-f (\S+)\/sshd_config/.exec(args)![1]!)).toBe(false);
    }
  }, 120_000);
});
