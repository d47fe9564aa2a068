// The existing provider against a real sshd (issue 29): machines hafarm did not make, reached
// over SSH as the definition says, first contact recording their host keys, nothing on them
// changed; status and destroy that touch nothing; an unreachable one said by name.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hafarm, TUTORIAL_LAB } from '../helpers/cli.ts';
import { freePort, sshdForTests, SUDO_USER } from '../helpers/sshd.ts';

const { scratch, sshd } = sshdForTests('existing');
const HOSTS = ['haproxy1', 'haproxy2', 'web1', 'web2', 'web3'];

/** The tutorial's farm as machines that exist: every one this test's sshd, the web servers logged in to as a sudo user. */
function definition(file: string, port: (host: string) => number = () => sshd().port): string {
  const entries = HOSTS.map((host) => {
    const user = host.startsWith('web') ? SUDO_USER : 'root';
    return `  ${host}:\n    ssh: {host: 127.0.0.1, port: ${port(host)}, user: ${user}, key: ${JSON.stringify(sshd().clientKey)}}\n`;
  });
  const text = `${readFileSync(TUTORIAL_LAB, 'utf8').replace('provider: auto', 'provider: existing')}\nexisting:\n${entries.join('')}`;
  writeFileSync(file, text);
  return file;
}

const run = (...args: string[]) => hafarm(args, { cwd: scratch.dir });

describe('the existing provider', () => {
  it('up logs in to every machine once (host keys recorded), status reads them, destroy forgets them and touches nothing', async () => {
    const lab = definition(join(scratch.dir, 'farm.yaml'));
    const state = join(scratch.dir, 'state');
    const up = await run('up', '--lab', lab, '--state', state);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain('bringing 5 machines up with existing');
    expect(up.stdout).toContain(`reached; it calls itself ${hostname()}`);
    const known = readFileSync(join(state, 'known_hosts'), 'utf8');
    expect(
      known
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ')[0]),
    ).toEqual(expect.arrayContaining(HOSTS));

    const status = await run('status', '--lab', lab, '--state', state);
    expect(status.exitCode, status.stderr).toBe(0);
    for (const host of HOSTS) expect(status.stdout).toMatch(new RegExp(`${host}\\s+running`));
    expect(status.stdout).toContain(`ssh answers on 127.0.0.1:${sshd().port}`);

    // a sudo user's shell: commands run as root through sudo -n
    const whoami = await run('exec', '--lab', lab, '--state', state, 'web1', 'id', '-un');
    expect(whoami.exitCode, whoami.stderr).toBe(0);
    expect(whoami.stdout.trim()).toBe('root');

    // the student's files are their work: provisioning over them needs --force
    const provision = await run('provision', '--lab', lab, '--state', state);
    expect(provision.exitCode).toBe(2);
    expect(provision.stderr).toMatch(
      /^hafarm: lab:provision would write the tutorial's files .* pass --force .* --tags tools .* Nothing was changed\.$/,
    );
    expect(existsSync(join(state, 'secrets.json'))).toBe(false);

    const destroy = await run('destroy', '--lab', lab, '--state', state);
    expect(destroy.exitCode, destroy.stderr).toBe(0);
    expect(destroy.stdout).toContain(
      'hafarm did not make them and changed nothing of them by destroying; it only forgot them',
    );
    expect(existsSync(state)).toBe(false);
    // no session of hafarm's left behind: destroy ended the connections lab:exec held
    await expect.poll(() => sshd().sessionPids(), { timeout: 10_000 }).toEqual([]);
  }, 120_000);

  it('up says which machine it cannot reach, by name and endpoint, and exits 1', async () => {
    const closed = await freePort();
    const lab = definition(join(scratch.dir, 'unreachable.yaml'), (host) => (host === 'web2' ? closed : sshd().port));
    const state = join(scratch.dir, 'state-unreachable');
    const up = await run('up', '--lab', lab, '--state', state);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(`web2: web2: cannot connect to ${SUDO_USER}@127.0.0.1:${closed}`);
    expect(up.stderr).not.toMatch(/^\s+at /m);
    const status = await run('status', '--lab', lab, '--state', state);
    expect(status.stdout).toMatch(/web2\s+unreachable/);
    expect(status.stdout).toContain(`no answer on 127.0.0.1:${closed}`);
    await run('destroy', '--lab', lab, '--state', state);
  }, 120_000);

  it('is never what auto picks, and a missing key file is said before anything is contacted', async () => {
    const lab = definition(join(scratch.dir, 'nokey.yaml'));
    writeFileSync(lab, readFileSync(lab, 'utf8').replaceAll(JSON.stringify(sshd().clientKey), '/nonexistent/key'));
    const up = await run('up', '--lab', lab, '--state', join(scratch.dir, 'state-nokey'));
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain("haproxy1's private key /nonexistent/key (existing.haproxy1.ssh.key)");
    expect(existsSync(join(scratch.dir, 'state-nokey', 'known_hosts'))).toBe(false);
  }, 60_000);
});
