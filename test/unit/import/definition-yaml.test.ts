// The YAML lab:import writes (issue 29): every string double-quoted, so that nothing read from a
// machine becomes YAML of its own; the file reads back to the same data.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { definitionYaml } from '../../../lib/import/definition-yaml.ts';

describe('the definition as lab:import writes it', () => {
  it('reads back to the same data, however hostile the strings', () => {
    const data = {
      name: 'farm',
      vip: { address: '192.168.1.100', name: 'x"\nprovider: netns\n# y' },
      nginx: { page: "Bienvenido a nginx! ({host}) ' : - [ ] { } & * ! | > % @ `" },
      hosts: [
        { name: 'haproxy1', role: 'master', lan: '192.168.1.101' },
        { name: 'web1', role: 'web', lan: '192.168.1.103' },
      ],
      haproxy: { options: [], port: 80, check: { fall: 3 } },
      heartbeat: { auto_failback: true },
      existing: { 'web-1': { ssh: { host: '10.0.0.1', key: '~/.ssh/id ed25519' } } },
    };
    const text = definitionYaml(data, ['haproxy1', 'web1'], new Date('2026-12-06T10:00:00Z'));
    expect(parse(text)).toEqual(data);
    expect(text).toMatch(
      /^# The farm on haproxy1, web1, as lab:import read it from the machines on 2026-12-06T10:00:00\.000Z\./,
    );
    expect(text).not.toMatch(/^provider:/m);
  });
});
