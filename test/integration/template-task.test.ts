// The template task (lib/render/template-task.ts) against a real sshd, as root and as a login
// user who needs sudo: rendered on the controller, then converged like any file.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { template } from '../../lib/render/template-task.ts';
import { scratchDir } from '../helpers/cli.ts';
import { startSshd, SUDO_USER, type TestSshd } from '../helpers/sshd.ts';
import { connectTo, converge, type Connected } from '../helpers/task-context.ts';

let sshd: TestSshd;
const scratch = scratchDir('template-task');

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
  scratch.remove();
});

describe.each([['root'], [SUDO_USER]])('the template task as %s', (user) => {
  let remote: Connected;
  let dir: string;

  beforeAll(async () => {
    remote = await connectTo(sshd.endpoint('testhost', user), scratch.dir);
    dir = `/tmp/hafarm-template-${user}-${randomBytes(4).toString('hex')}`;
    await remote.sh(`mkdir -p ${dir}`);
  });
  afterAll(async () => {
    await remote.sh(`rm -rf ${dir}`).catch(() => undefined);
    remote.close();
  });

  it('template: renders from templates/ and converges', async () => {
    const task = template({
      name: 'rendered',
      path: `${dir}/Vagrantfile`,
      src: 'lib/providers/vagrant/templates/Vagrantfile.njk',
      vars: {
        source: 'lab.yaml',
        lab: 'x',
        prefix: 'x-',
        box: 'debian/bookworm64',
        lan: { name: 'x-lan', cidr: '10.0.0.0/24' },
        heartbeat: { name: 'x-hb', cidr: '10.1.0.0/24' },
        machines: [],
      },
    });
    const run = await converge(remote, task);
    expect(run.first.status).toBe('changed');
    expect(run.second.status).toBe('ok');
    expect(await remote.sh(`grep -c "config.vm.box = 'debian/bookworm64'" ${dir}/Vagrantfile`)).toBe('1\n');
  });
});
