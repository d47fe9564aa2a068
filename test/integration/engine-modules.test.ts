// Every task module against a real sshd, as root and as a login user who needs sudo:
// the first run changes, the second changes nothing, check mode reports and changes nothing,
// diff mode shows the change (issue 3; Molecule's converge-twice rule).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockInFile, lineInFile } from '../../lib/engine/modules/edit-file.ts';
import { file } from '../../lib/engine/modules/file.ts';
import { pathState } from '../../lib/engine/modules/path-state.ts';
import { shellCommand } from '../../lib/engine/modules/shell-command.ts';
import { scratchDir } from '../helpers/cli.ts';
import { startSshd, SUDO_USER, type TestSshd } from '../helpers/sshd.ts';
import { connectTo, converge, type Connected } from '../helpers/task-context.ts';

let sshd: TestSshd;
const scratch = scratchDir('modules');

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
  scratch.remove();
});

describe.each([['root'], [SUDO_USER]])('modules as %s', (user) => {
  let remote: Connected;
  let dir: string;

  beforeAll(async () => {
    remote = await connectTo(sshd.endpoint('testhost', user), scratch.dir);
    dir = `/tmp/hafarm-modules-${user}-${randomBytes(4).toString('hex')}`;
    await remote.sh(`mkdir -p ${dir}`);
  });
  afterAll(async () => {
    await remote.sh(`rm -rf ${dir}`).catch(() => undefined);
    remote.close();
  });

  it('file: creates with content, mode and owner; idempotent; check and diff', async () => {
    const task = file({
      name: 'a file',
      path: `${dir}/app.conf`,
      content: 'alpha\nbeta\n',
      mode: '0640',
      owner: 'root',
      group: 'root',
    });
    const run = await converge(remote, task);
    expect(run.check).toMatchObject({ status: 'changed', message: `would create ${dir}/app.conf` });
    expect(run.check.diff).toContain('+alpha');
    expect(run.first).toMatchObject({ status: 'changed', message: `create ${dir}/app.conf` });
    expect(run.second.status).toBe('ok');
    expect(run.checkAgain.status).toBe('ok');
    expect(await remote.sh(`stat -c '%a %U %G' ${dir}/app.conf; cat ${dir}/app.conf`)).toBe(
      '640 root root\nalpha\nbeta\n',
    );
  });

  it('file: an edit shows a diff, check mode leaves the old content, then it is replaced', async () => {
    const task = file({ name: 'a file', path: `${dir}/app.conf`, content: 'alpha\ngamma\n', mode: '0640' });
    const check = await remote.run(task, { check: true, diff: true });
    expect(check.status).toBe('changed');
    expect(check.diff).toMatch(/-beta\n\+gamma/);
    expect(await remote.sh(`cat ${dir}/app.conf`)).toBe('alpha\nbeta\n');
    expect((await remote.run(task)).status).toBe('changed');
    expect(await remote.sh(`cat ${dir}/app.conf`)).toBe('alpha\ngamma\n');
    expect((await remote.run(task)).status).toBe('ok');
  });

  it('file: only the mode differs, so only the mode changes', async () => {
    await remote.sh(`chmod 0666 ${dir}/app.conf`);
    const task = file({ name: 'a file', path: `${dir}/app.conf`, content: 'alpha\ngamma\n', mode: '0640' });
    const result = await remote.run(task, { diff: true });
    expect(result).toMatchObject({ status: 'changed', message: `set mode/owner of ${dir}/app.conf` });
    expect(result.diff).toContain('mode 0666 -> 0640');
    expect(await remote.sh(`stat -c '%a' ${dir}/app.conf`)).toBe('640\n');
  });

  it('file: a secret never shows in a diff', async () => {
    const task = file({
      name: 'authkeys',
      path: `${dir}/authkeys`,
      content: 'auth 2\n2 sha1 s3cr3t\n',
      mode: '0600',
      secret: true,
    });
    const result = await remote.run(task, { diff: true });
    expect(result.status).toBe('changed');
    expect(result.diff).not.toContain('s3cr3t');
    expect(result.diff).toContain('secret, not shown');
  });

  it('file: a failing validator keeps the old file and fails with its output', async () => {
    const good = file({
      name: 'validated',
      path: `${dir}/checked.conf`,
      content: 'valid\n',
      validate: 'grep -q valid %s',
    });
    expect((await remote.run(good)).status).toBe('changed');
    const bad = file({
      name: 'validated',
      path: `${dir}/checked.conf`,
      content: 'broken\n',
      validate: 'grep valid %s || { echo "line 1: no valid keyword"; false; }',
    });
    const result = await remote.run(bad);
    expect(result.status).toBe('failed');
    expect(result.message).toContain('old file is kept');
    expect(result.message).toContain('line 1: no valid keyword');
    expect(await remote.sh(`cat ${dir}/checked.conf; ls -a ${dir} | grep -c hafarm-new || true`)).toBe('valid\n0\n');
  });

  it('blockInFile: adds a managed block once and leaves the rest of the file alone', async () => {
    await remote.sh(`printf '127.0.0.1 localhost\\n::1 localhost\\n' > ${dir}/hosts`);
    const block = (vip: string) =>
      blockInFile({
        name: 'T2 hosts',
        path: `${dir}/hosts`,
        marker: 'hafarm lab',
        block: `${vip} trabajoswap.com\n192.168.1.101 haproxy1\n`,
      });
    const run = await converge(remote, block('192.168.1.100'));
    expect(run.check.status).toBe('changed');
    expect(run.first.status).toBe('changed');
    expect(run.second.status).toBe('ok');
    const changedBlock = await remote.run(block('192.168.1.99'), { diff: true });
    expect(changedBlock.diff).toMatch(/-192\.168\.1\.100 trabajoswap\.com\n\+192\.168\.1\.99 trabajoswap\.com/);
    expect(await remote.sh(`cat ${dir}/hosts`)).toBe(
      '127.0.0.1 localhost\n::1 localhost\n# BEGIN hafarm lab\n192.168.1.99 trabajoswap.com\n192.168.1.101 haproxy1\n# END hafarm lab\n',
    );
  });

  it('blockInFile into a file that is a mount point (Docker mounts /etc/hosts so): written in place, the mount kept', async () => {
    const [target, source] = [`${dir}/mounted-hosts`, `${dir}/mounted-hosts.source`];
    // the sudo user's remote.sh runs through sudo: mount needs root
    await remote.sh(
      `printf '127.0.0.1 localhost\\n' > ${source} && touch ${target} && mount --bind ${source} ${target}`,
    );
    try {
      const task = blockInFile({
        name: 'T2 hosts',
        path: target,
        marker: 'hafarm lab',
        block: '192.168.1.101 haproxy1\n',
      });
      const run = await converge(remote, task);
      expect(run.first.status, run.first.message).toBe('changed');
      expect(run.second.status).toBe('ok');
      // the bind mount's source holds the block: the file was written through the mount, not renamed over it
      expect(await remote.sh(`cat ${source}`)).toBe(
        '127.0.0.1 localhost\n# BEGIN hafarm lab\n192.168.1.101 haproxy1\n# END hafarm lab\n',
      );
      expect((await remote.sh(`awk '$5 == "${target}"' /proc/self/mountinfo | wc -l`)).trim()).toBe('1');
      expect((await remote.sh(`ls -a ${dir} | grep -c hafarm-new || true`)).trim()).toBe('0');
    } finally {
      await remote.sh(`umount ${target}`).catch(() => undefined);
    }
  });

  it('lineInFile: sets one line, replacing the matching one, keeping mode and owner', async () => {
    await remote.sh(`printf 'ENABLED=0\\nEXTRAOPTS=\\n' > ${dir}/default && chmod 0600 ${dir}/default`);
    const task = lineInFile({ name: 'T9 ENABLED=1', path: `${dir}/default`, line: 'ENABLED=1', regexp: /^ENABLED=/ });
    const run = await converge(remote, task);
    expect(run.check.diff).toMatch(/-ENABLED=0\n\+ENABLED=1/);
    expect(run.first.status).toBe('changed');
    expect(run.second.status).toBe('ok');
    expect(await remote.sh(`stat -c %a ${dir}/default; cat ${dir}/default`)).toBe('600\nENABLED=1\nEXTRAOPTS=\n');
  });

  it('pathState: directory with mode and owner, then absent', async () => {
    const owner = user === 'root' ? 'root' : SUDO_USER;
    const make = pathState({ name: 'dir', path: `${dir}/www/html`, state: 'directory', mode: '0750', owner });
    const run = await converge(remote, make);
    expect(run.check.status).toBe('changed');
    expect(run.first.status).toBe('changed');
    expect(run.second.status).toBe('ok');
    expect(await remote.sh(`stat -c '%a %U' ${dir}/www/html`)).toBe(`750 ${owner}\n`);
    const remove = await converge(remote, pathState({ name: 'gone', path: `${dir}/www`, state: 'absent' }));
    expect([remove.check.status, remove.first.status, remove.second.status]).toEqual(['changed', 'changed', 'ok']);
  });

  it('shellCommand: creates makes it idempotent; changedWhen reads the output; check mode runs nothing', async () => {
    const marker = `${dir}/initialized`;
    const init = shellCommand({ name: 'init once', cmd: `echo done > ${marker}`, creates: marker });
    const check = await remote.run(init, { check: true });
    expect(check.status).toBe('skipped');
    expect(await remote.sh(`[ -e ${marker} ] && echo yes || echo no`)).toBe('no\n');
    expect((await remote.run(init)).status).toBe('changed');
    expect((await remote.run(init)).status).toBe('ok');
    const probe = shellCommand({ name: 'probe', cmd: `cat ${marker}`, changedWhen: (r) => !r.stdout.includes('done') });
    expect((await remote.run(probe)).status).toBe('ok');
    const failing = await remote.run(shellCommand({ name: 'fails', cmd: 'echo oops >&2; exit 3' }));
    expect(failing).toMatchObject({ status: 'failed', message: 'exit 3: oops' });
  });
});
