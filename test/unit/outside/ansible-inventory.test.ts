// lab:inventory's file (lib/outside/ansible-inventory.ts): the groups of the definition, each
// machine's endpoint and addresses as host variables, the VIP and the HA stack as variables of
// all; values quoted for YAML 1.1 (what Ansible's PyYAML reads) and for Ansible's INI reader.
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { renderInventory } from '../../../lib/outside/ansible-inventory.ts';
import { ConfigValueRefused } from '../../../lib/outside/outside-lab.ts';
import { KEEPALIVED_THREE_LAB, TUTORIAL_LAB } from '../../helpers/cli.ts';
import { outsideLabOf, withHostRenamed } from '../../helpers/outside-lab.ts';

const lab = loadLab(TUTORIAL_LAB);
const COMMON_ARGS = (host: string) =>
  `-o 'UserKnownHostsFile="/srv/swap/known_hosts"' -o GlobalKnownHostsFile=/dev/null -o HostKeyAlias=${host} -o StrictHostKeyChecking=yes -o CheckHostIP=no -o IdentitiesOnly=yes -o LogLevel=ERROR`;

interface Inventory {
  all: { vars: Record<string, unknown>; children: Record<string, { hosts: Record<string, Record<string, unknown>> }> };
}
const yamlOf = (text: string) => YAML.parse(text, { version: '1.1' }) as Inventory;

describe('lab:inventory in YAML', () => {
  it("puts master and backup in balancers and the rest in web, each with its endpoint, addresses and role; the VIP and the stack in all's vars", () => {
    const inventory = yamlOf(renderInventory(outsideLabOf(lab, '/srv/swap'), 'yaml'));
    expect(inventory.all.vars).toEqual({
      vip_address: '192.168.1.100',
      vip_name: 'trabajoswap.com',
      ha_stack: 'heartbeat',
    });
    expect(Object.keys(inventory.all.children)).toEqual(['balancers', 'web']);
    expect(Object.keys(inventory.all.children.balancers!.hosts)).toEqual(['haproxy1', 'haproxy2']);
    expect(Object.keys(inventory.all.children.web!.hosts)).toEqual(['web1', 'web2', 'web3']);
    expect(inventory.all.children.balancers!.hosts.haproxy2).toEqual({
      ansible_host: '10.213.7.3',
      ansible_port: 22,
      ansible_user: 'root',
      ansible_ssh_private_key_file: '/srv/swap/ssh/id_ed25519',
      ansible_ssh_common_args: COMMON_ARGS('haproxy2'),
      role: 'backup',
      lan_address: '192.168.1.102',
      heartbeat_address: '10.100.100.2',
    });
    expect(inventory.all.children.web!.hosts.web1).not.toHaveProperty('heartbeat_address');
  });

  it('becomes root through sudo where the boxes log in as vagrant', () => {
    const inventory = yamlOf(renderInventory(outsideLabOf(lab, '/s', { user: 'vagrant', port: 2200 }), 'yaml'));
    expect(inventory.all.children.web!.hosts.web3).toMatchObject({
      ansible_user: 'vagrant',
      ansible_port: 2200,
      ansible_become: true,
    });
  });

  it("names the lab's HA stack", () => {
    expect(yamlOf(renderInventory(outsideLabOf(loadLab(KEEPALIVED_THREE_LAB), '/s'), 'yaml')).all.vars.ha_stack).toBe(
      'keepalived',
    );
  });

  it('quotes what YAML 1.1 would read as another type: a host named "on" stays a string, not true', () => {
    const text = renderInventory(outsideLabOf(withHostRenamed(lab, 'web2', 'on'), '/s'), 'yaml');
    expect(text).toContain('\n        "on":\n');
    expect(Object.keys(yamlOf(text).all.children.web!.hosts)).toEqual(['web1', 'on', 'web3']);
  });

  it('keeps an odd state folder exact: spaces, quotes, a %, a # and letters beyond ASCII', () => {
    const state = `/my 'lab' "x" 100%d #ñ`;
    const host = yamlOf(renderInventory(outsideLabOf(lab, state, { keyFile: "/k dir/it's ñ #1/key" }), 'yaml')).all
      .children.web!.hosts.web1!;
    expect(host.ansible_ssh_private_key_file).toBe("/k dir/it's ñ #1/key");
    // shell-quoted for Ansible's shlex split, then OpenSSH-quoted: " escaped, % doubled
    expect(host.ansible_ssh_common_args).toBe(
      `-o 'UserKnownHostsFile="/my '\\''lab'\\'' \\"x\\" 100%%d #ñ/known_hosts"' -o GlobalKnownHostsFile=/dev/null -o HostKeyAlias=web1 -o StrictHostKeyChecking=yes -o CheckHostIP=no -o IdentitiesOnly=yes -o LogLevel=ERROR`,
    );
  });

  it('has an empty group when none of its machines runs', () => {
    const outside = outsideLabOf(lab, '/s');
    const inventory = yamlOf(
      renderInventory({ ...outside, machines: outside.machines.filter((m) => m.host.role !== 'web') }, 'yaml'),
    );
    expect(inventory.all.children.web).toEqual({ hosts: {} });
  });
});

describe('lab:inventory in INI', () => {
  it('writes the groups as sections, each host on one line, plain values as they are', () => {
    const lines = renderInventory(outsideLabOf(lab, '/srv/swap'), 'ini').split('\n');
    expect(lines.slice(lines.indexOf('[all:vars]'), lines.indexOf('[all:vars]') + 4)).toEqual([
      '[all:vars]',
      'vip_address=192.168.1.100',
      'vip_name=trabajoswap.com',
      'ha_stack=heartbeat',
    ]);
    expect(lines[lines.indexOf('[balancers]') + 1]).toBe(
      `haproxy1 ansible_host=10.213.7.2 ansible_port=22 ansible_user=root ansible_ssh_private_key_file=/srv/swap/ssh/id_ed25519 ` +
        `ansible_ssh_common_args='${JSON.stringify(COMMON_ARGS('haproxy1')).replace(/'/g, `'\\''`)}' role=master lan_address=192.168.1.101 heartbeat_address=10.100.100.1`,
    );
    expect(
      lines
        .slice(lines.indexOf('[web]') + 1)
        .filter(Boolean)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['web1', 'web2', 'web3']);
  });

  it('writes any other string as a Python string literal in shell quotes, which Ansible reads back exactly, and True for become', () => {
    const text = renderInventory(outsideLabOf(lab, '/s', { user: 'vagrant', keyFile: "/k dir/it's #1/key" }), 'ini');
    const web1 = text.split('\n').find((l) => l.startsWith('web1 '))!;
    expect(web1).toContain(` ansible_ssh_private_key_file='"/k dir/it'\\''s #1/key"' `);
    expect(web1).toContain(' ansible_become=True ');
  });

  it('quotes a string Python would read as a constant or a number', () => {
    const text = renderInventory(
      outsideLabOf(withHostRenamed(lab, 'web2', 'on'), '/s', { address: (i) => (i === 0 ? 'None' : `10.0.0.${i}`) }),
      'ini',
    );
    expect(text).toContain('haproxy1 ansible_host=\'"None"\' ');
    expect(text).toContain('\non ansible_host=10.0.0.3 ');
  });
});

describe('lab:inventory refuses', () => {
  it.each([
    [
      'a key file with a double quote',
      { keyFile: '/k"ey' },
      'haproxy1: the private key file "/k"ey" cannot go into an Ansible inventory (allowed: a path without ", \\, % (Ansible hands it to ssh unescaped)',
    ],
    [
      'a key file with a %',
      { keyFile: '/lab 100%/key' },
      'haproxy1: the private key file "/lab 100%/key" cannot go into an Ansible inventory',
    ],
    ['a key file Ansible would template', { keyFile: '/{{ lookup("pipe", "id") }}/key' }, 'a template to Ansible'],
  ])('%s, naming it', (_what, options, message) => {
    expect(() => renderInventory(outsideLabOf(lab, '/s', options), 'yaml')).toThrow(ConfigValueRefused);
    expect(() => renderInventory(outsideLabOf(lab, '/s', options), 'ini')).toThrow(message);
  });

  it('a state folder Ansible would template', () => {
    expect(() => renderInventory(outsideLabOf(lab, '/{% x %}', { keyFile: '/k' }), 'ini')).toThrow(
      'the lab: the known_hosts file "/{% x %}/known_hosts" cannot go into an Ansible inventory',
    );
  });

  it.each(['web', 'balancers', 'all', 'ungrouped'])('a host named %s, a group of the inventory', (name) => {
    expect(() => renderInventory(outsideLabOf(withHostRenamed(lab, 'web3', name), '/s'), 'yaml')).toThrow(
      `${name}: the host name "${name}" cannot go into an Ansible inventory (allowed: a name other than the groups all, ungrouped, balancers, web; rename the host in ${lab.file})`,
    );
  });

  it('what no config could hold, as lab:ssh-config does', () => {
    expect(() => renderInventory(outsideLabOf(lab, '/s', { user: 'a b' }), 'ini')).toThrow(
      'haproxy1: the SSH user "a b" cannot go into a config file',
    );
  });
});
