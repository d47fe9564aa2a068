// The existing: section (issue 29): how hafarm reaches machines a student built, read and
// refused at its fields as every section of the definition is.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../../lib/farm/load-lab.ts';
import { keyFile } from '../../../../lib/providers/existing/existing-section.ts';
import { issuesOf } from '../../../helpers/definition-issues.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';

const tutorial = readFileSync(TUTORIAL_LAB, 'utf8').replace('provider: auto', 'provider: existing');

function machine(name: string, extra = ''): string {
  return `  ${name}:\n    ssh: {host: 192.168.56.${10 + name.length}, user: alumno, key: keys/id_ed25519}\n${extra}`;
}

const ALL = ['haproxy1', 'haproxy2', 'web1', 'web2', 'web3'];
const withMachines = (entries: string) => `${tutorial}\nexisting:\n${entries}`;

describe('the existing: section', () => {
  it('reads every machine: ssh endpoint with its defaults, power as argument lists', () => {
    const power = `    power:\n      off: [VBoxManage, controlvm, haproxy1, poweroff]\n      on: [VBoxManage, startvm, haproxy1, --type, headless]\n`;
    const lab = parseLab(
      withMachines(ALL.map((n) => machine(n, n === 'haproxy1' ? power : '')).join('')),
      '/labs/farm/lab.yaml',
    );
    expect(lab.provider).toBe('existing');
    expect(lab.existing.haproxy1).toEqual({
      ssh: { host: '192.168.56.18', port: 22, user: 'alumno', key: 'keys/id_ed25519', become: 'sudo' },
      power: {
        off: ['VBoxManage', 'controlvm', 'haproxy1', 'poweroff'],
        on: ['VBoxManage', 'startvm', 'haproxy1', '--type', 'headless'],
      },
    });
    expect(lab.existing.web1?.power).toBeUndefined();
    expect(keyFile(lab, 'keys/id_ed25519')).toBe('/labs/farm/keys/id_ed25519');
    expect(keyFile(lab, '~/.ssh/id_rsa')).toBe(`${homedir()}/.ssh/id_rsa`);
    expect(keyFile(lab, '/abs/key')).toBe('/abs/key');
  });

  it('root logs in without sudo: become none by default', () => {
    const lab = parseLab(
      withMachines(ALL.map((n) => `  ${n}:\n    ssh: {host: vm-${n}.local, port: 2222, key: /k}\n`).join('')),
      '/labs/x.yaml',
    );
    expect(lab.existing.web3?.ssh).toEqual({
      host: 'vm-web3.local',
      port: 2222,
      user: 'root',
      key: '/k',
      become: 'none',
    });
  });

  it('is empty and unneeded for the other providers', () => {
    const lab = parseLab(readFileSync(TUTORIAL_LAB, 'utf8'), '/labs/x.yaml');
    expect(lab.existing).toEqual({});
  });

  it('refuses every problem at once, each at its field, saying what is allowed', () => {
    const issues = issuesOf(
      withMachines(
        [
          `  haproxy1:\n    ssh: {host: "a b", port: 70000, user: "Root!", key: ""}\n`,
          `  haproxy2:\n    ssh: {host: 10.0.0.2, key: /k, become: sudo}\n`,
          `  web1:\n    ssh: {host: 10.0.0.3, user: alumno, key: /k, become: none}\n`,
          `  web2:\n    ssh: {host: 10.0.0.4, key: /k}\n    power: {off: [], on: "VBoxManage startvm web2"}\n`,
          `  web9:\n    ssh: {host: 10.0.0.5, key: /k}\n`,
          `  web3:\n    ssh: {host: 10.0.0.6, key: /k}\n    power: {off: ["a\\u0007b"], on: [x], reboot: [y]}\n`,
        ].join(''),
      ),
    );
    const fields = issues.map((i) => `${i.field}: ${i.problem}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^existing\.haproxy1\.ssh\.host: /),
        expect.stringMatching(/^existing\.haproxy1\.ssh\.port: 70000 is out of range/),
        expect.stringMatching(/^existing\.haproxy1\.ssh\.user: /),
        expect.stringMatching(/^existing\.haproxy1\.ssh\.key: must be a non-empty string/),
        expect.stringMatching(/^existing\.haproxy2\.ssh\.become: sudo for root/),
        expect.stringMatching(/^existing\.web1\.ssh\.become: none: alumno is not root/),
        expect.stringMatching(/^existing\.web2\.power\.off: must be a non-empty list/),
        expect.stringMatching(/^existing\.web2\.power\.on: must be a non-empty list/),
        expect.stringMatching(/^existing\.web3\.power\.off\[0\]: .* is not valid/),
        expect.stringMatching(/^existing\.web3\.power\.reboot: unknown field/),
      ]),
    );
    // web9 (no machine of hosts:) is said once the fields read: the next test; every issue has its line
    for (const issue of issues) expect(issue.line).toBeGreaterThan(0);
  });

  it('refuses an entry for no machine of hosts:, and a missing machine under provider existing', () => {
    const issues = issuesOf(withMachines([...ALL.filter((n) => n !== 'web2'), 'web9'].map((n) => machine(n)).join('')));
    expect(issues.map((i) => `${i.field}: ${i.problem}`)).toEqual([
      'existing.web9: web9 is no machine of hosts:',
      'existing: web2 has no entry: with provider existing, hafarm reaches every machine over SSH as this section says',
    ]);
  });
});
