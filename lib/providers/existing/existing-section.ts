// The `existing:` section of lab.yaml: how hafarm reaches each machine a student built by hand
// (its SSH endpoint and how it becomes root there) and, where the student gives them, the
// commands of their own computer that power it off and on (V3–V5), as argument lists.
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, type Node } from 'yaml';
import type { DefinitionSection } from '../../lab/definition-parts.ts';
import { isIpv4 } from '../../lab/ipv4.ts';
import { PATTERNS } from '../../lab/field-values.ts';
import type { Lab } from '../../lab/model.ts';
import type { FieldPath, FieldReader } from '../../lab/yaml-fields.ts';

export const EXISTING_PROVIDER = 'existing';

/** How the login user becomes root: it is root, or it runs `sudo -n` (sudo without a password). */
export const BECOME = ['none', 'sudo'] as const;
export type Become = (typeof BECOME)[number];

export interface ExistingMachine {
  ssh: { host: string; port: number; user: string; key: string; become: Become };
  /** argument lists run on this computer, never through a shell; absent when not given */
  power?: { off: string[]; on: string[] };
}

/** Machine name → how it is reached; empty unless the lab's provider is existing. */
export type ExistingSettings = Record<string, ExistingMachine>;

declare module '../../lab/model.ts' {
  interface LabSections {
    existing: ExistingSettings;
  }
}

const USER = { re: /^[a-z_][a-z0-9_.-]{0,31}$/, allowed: 'a login name such as alumno or root' };
// A file's path as the definition gives it: one line, no control characters, a sane length.
const KEY_PATH = {
  re: /^[^\p{Cc}]{1,1024}$/u,
  allowed: "the private key's file: absolute, ~/…, or relative to the definition's folder",
};
// One argument: any printable text (it reaches no shell), bounded.
const ARGUMENT = { re: /^[^\p{Cc}]{1,1024}$/u, allowed: 'printable text of at most 1024 characters' };
const MAX_ARGUMENTS = 32;

function sshHost(r: FieldReader, path: FieldPath, node: unknown): string | undefined {
  const value = r.string(path, node, /^[^\p{Cc}\s]{1,253}$/u, 'an IPv4 address or a host name');
  if (value === undefined || isIpv4(value) || PATTERNS.dnsName.re.test(value) || PATTERNS.hostname.re.test(value))
    return value;
  return r.report(path, node as Node, `${value} is neither an IPv4 address nor a host name`, PATTERNS.dnsName.allowed);
}

function argv(r: FieldReader, path: FieldPath, node: unknown): string[] | undefined {
  const items = r.list(path, node, 'arguments, the program first, such as [VBoxManage, controlvm, haproxy1, poweroff]');
  if (!items) return undefined;
  if (items.length > MAX_ARGUMENTS)
    return r.report(path, node as Node, `${items.length} arguments`, `at most ${MAX_ARGUMENTS}`);
  const values = items.map((item, i) => r.string([...path, i], item, ARGUMENT.re, ARGUMENT.allowed));
  return values.every((v) => v !== undefined) ? (values as string[]) : undefined;
}

function readMachine(r: FieldReader, path: FieldPath, node: unknown): ExistingMachine | undefined {
  const map = r.map(path, node, ['ssh'], ['power']);
  if (!map) return undefined;
  const sshPath = [...path, 'ssh'];
  const ssh = r.map(sshPath, r.child(map, 'ssh'), ['host', 'key'], ['port', 'user', 'become']);
  let machine: ExistingMachine | undefined;
  if (ssh) {
    const at = (key: string) => r.child(ssh, key);
    const user = ssh.has('user') ? r.string([...sshPath, 'user'], at('user'), USER.re, USER.allowed) : 'root';
    const become = ssh.has('become')
      ? r.oneOf([...sshPath, 'become'], at('become'), BECOME)
      : user === 'root'
        ? 'none'
        : 'sudo';
    const values = {
      host: sshHost(r, [...sshPath, 'host'], at('host')),
      port: ssh.has('port') ? r.int([...sshPath, 'port'], at('port'), 1, 65535) : 22,
      user,
      key: r.string([...sshPath, 'key'], at('key'), KEY_PATH.re, KEY_PATH.allowed),
      become,
    };
    if (user === 'root' && become === 'sudo')
      r.reportField([...sshPath, 'become'], 'sudo for root: root needs no sudo', 'none, for the user root');
    if (user !== undefined && user !== 'root' && become === 'none')
      r.reportField(
        [...sshPath, 'become'],
        `none: ${user} is not root, and hafarm reads and changes the machines as root`,
        'sudo (the user runs sudo without a password), or user: root',
      );
    if (Object.values(values).every((v) => v !== undefined)) machine = { ssh: values as ExistingMachine['ssh'] };
  }
  if (!map.has('power')) return machine;
  const powerPath = [...path, 'power'];
  const power = r.map(powerPath, r.child(map, 'power'), ['off', 'on']);
  if (!power) return undefined;
  const off = argv(r, [...powerPath, 'off'], r.child(power, 'off'));
  const on = argv(r, [...powerPath, 'on'], r.child(power, 'on'));
  return machine && off && on ? { ...machine, power: { off, on } } : undefined;
}

function readExisting(r: FieldReader, node: unknown): ExistingSettings | undefined {
  if (!isMap(node))
    return r.report(['existing'], node as Node, 'must be a mapping of machine names', 'haproxy1: {ssh: …}, …');
  const settings: ExistingSettings = {};
  let complete = true;
  for (const pair of node.items) {
    const name = (pair.key as { value?: unknown } | null)?.value;
    if (typeof name !== 'string' || !PATTERNS.hostname.re.test(name)) {
      r.report(['existing', '(key)'], pair.key as Node, 'a key must be a machine name of hosts:', 'haproxy1, web1, …');
      complete = false;
      continue;
    }
    const machine = readMachine(r, ['existing', name], pair.value);
    if (machine) settings[name] = machine;
    else complete = false;
  }
  return complete ? settings : undefined;
}

/** A machine entry for every host and no other, where the lab's provider is existing. */
function checkExisting(r: FieldReader, lab: Lab): void {
  const names = new Set(lab.hosts.map((h) => h.name));
  for (const name of Object.keys(lab.existing))
    if (!names.has(name)) r.reportField(['existing', name], `${name} is no machine of hosts:`, [...names].join(', '));
  if (lab.provider !== EXISTING_PROVIDER) return;
  for (const host of lab.hosts)
    if (!lab.existing[host.name])
      r.reportField(
        ['existing'],
        `${host.name} has no entry: with provider existing, hafarm reaches every machine over SSH as this section says`,
        `${host.name}: {ssh: {host: ADDRESS, port: 22, user: USER, key: KEY_FILE}}`,
      );
}

export const existingSection: DefinitionSection = {
  key: 'existing',
  read: (r, node) => readExisting(r, node),
  defaults: {},
  checkLab: checkExisting,
};

/** The private key's file as a path of this computer: ~ is the user's home, a relative path the definition's folder's. */
export function keyFile(lab: Lab, key: string): string {
  if (key === '~' || key.startsWith('~/')) return resolve(homedir(), key.slice(2));
  return isAbsolute(key) ? key : resolve(dirname(lab.file), key);
}
