// Provisioning the lab (roles/run-lab-play.ts) against a real sshd standing for every host: the
// roles run by the host's group and each sees its own lab host and the lab's secrets.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import { loadLab } from '../../lib/farm/load-lab.ts';
import type { Role } from '../../roles/role-context.ts';
import { runLabPlay } from '../../roles/run-lab-play.ts';
import { TUTORIAL_LAB } from '../helpers/cli.ts';
import { sshdForTests, SUDO_USER } from '../helpers/sshd.ts';

const { scratch, sshd } = sshdForTests('run-lab-play');

describe('provisioning the lab', () => {
  it("runs each role on the hosts of its group, given the host's lab entry and the secrets", async () => {
    const lab = loadLab(TUTORIAL_LAB);
    const secrets = { heartbeatAuthkey: 'a'.repeat(40), statsPassword: 'Test123' };
    const seen: string[] = [];
    const probe = (name: string): Role => ({
      name,
      tasks: ({ host, secrets: s, facts }) => [
        {
          name: `${name} on ${host.name}`,
          run: async () => (
            seen.push(`${host.name}:${name}:${host.role}:${s.statsPassword}:${facts.hostname ? 'facts' : ''}`),
            { status: 'ok' }
          ),
        },
      ],
    });
    const targets = new Map(lab.hosts.map((h) => [h.name, sshd().endpoint(h.name, SUDO_USER)]));
    const options = {
      check: false,
      diff: false,
      limit: ['haproxy2', 'web1'],
      tags: [],
      forks: 2,
      knownHosts: new KnownHosts(join(scratch.dir, 'known_hosts')),
      secrets,
    };
    const outcome = await runLabPlay(
      lab,
      [
        { hosts: 'all', roles: [probe('network')] },
        { hosts: 'balancers', roles: [probe('heartbeat')] },
        { hosts: 'web', roles: [probe('nginx')] },
      ],
      targets,
      options,
      () => undefined,
    );
    expect([...outcome.recap.keys()]).toEqual(['haproxy2', 'web1']);
    expect(seen.sort()).toEqual([
      'haproxy2:heartbeat:backup:Test123:facts',
      'haproxy2:network:backup:Test123:facts',
      'web1:network:web:Test123:facts',
      'web1:nginx:web:Test123:facts',
    ]);
  });

  it("reads the HA stack after the play only when the play holds the lab's stack: never for another playbook", async () => {
    const lab = loadLab(TUTORIAL_LAB);
    const events: string[] = [];
    const outcome = await runLabPlay(
      lab,
      [
        {
          hosts: 'balancers',
          roles: [
            { name: 'probe', tasks: () => [{ name: 'probe', run: () => Promise.resolve({ status: 'ok' as const }) }] },
          ],
        },
      ],
      new Map(lab.hosts.map((h) => [h.name, sshd().endpoint(h.name, SUDO_USER)])),
      {
        check: false,
        diff: false,
        limit: [],
        tags: [],
        forks: 2,
        knownHosts: new KnownHosts(join(scratch.dir, 'known_hosts_wait')),
        secrets: { heartbeatAuthkey: 'a'.repeat(48), statsPassword: 'Test123' },
        wait: true,
      },
      (event) => (event.type === 'task-result' ? events.push(`${event.host} ${event.role} ${event.task}`) : undefined),
    );
    expect(events.sort()).toEqual(['haproxy1 probe probe', 'haproxy2 probe probe']);
    expect(outcome.recap.get('haproxy1')).toMatchObject({ ok: 1, failed: 0 });
  });
});
