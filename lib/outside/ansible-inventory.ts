// The lab as an Ansible inventory (lab:inventory), YAML or INI: the groups of the definition
// (balancers, web), each running machine with its SSH endpoint and its addresses as host
// variables, and the lab's VIP and HA stack as variables of all. Ansible's ssh connection checks
// each host key against the lab's known_hosts, as ssh -F with lab:ssh-config's file does.
import YAML from 'yaml';
import type { Lab } from '../lab/model.ts';
import { printable, quoted } from '../printable.ts';
import { command, quote } from '../engine/ssh/shell-quote.ts';
import { inventoryHost, type FarmGroup } from '../../roles/lab-inventory.ts';
import { sshPathValue } from './openssh-value.ts';
import { checkOutsideLab, ConfigValueRefused, type OutsideLab, type OutsideMachine } from './outside-lab.ts';

export const INVENTORY_FORMATS = ['yaml', 'ini'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

type Value = string | number | boolean;
type Vars = Record<string, Value>;

/** The groups the inventory has, as the engine's inventory names them; "all" is Ansible's own. */
const GROUPS: ReadonlyArray<Exclude<FarmGroup, 'all'>> = ['balancers', 'web'];
/** Names a host may not have here: Ansible's own groups and this inventory's, which a host of that name would shadow. */
const GROUP_NAMES = ['all', 'ungrouped', ...GROUPS];

// Ansible templates every inventory value with Jinja2: these would start an expression.
const JINJA = /\{[{%#]/;
// Ansible writes the key file into ssh's IdentityFile="…" as it is: these would change the file named.
const UNQUOTED_BY_ANSIBLE = /["\\%]/;

function refuse(host: string, what: string, value: string, allowed: string): never {
  throw new ConfigValueRefused(
    `${host}: the ${what} ${quoted(printable(value))} cannot go into an Ansible inventory (allowed: ${allowed})`,
  );
}

function checkForAnsible(outside: OutsideLab): void {
  checkOutsideLab(outside);
  const anotherFolder = 'pass another --state folder';
  if (JINJA.test(outside.knownHostsFile))
    refuse(
      'the lab',
      'known_hosts file',
      outside.knownHostsFile,
      `a path without "{{", "{%" or "{#", which Ansible would read as a template; ${anotherFolder}`,
    );
  for (const { host, endpoint } of outside.machines) {
    if (GROUP_NAMES.includes(host.name))
      refuse(
        host.name,
        'host name',
        host.name,
        `a name other than the groups ${GROUP_NAMES.join(', ')}; rename the host in ${outside.lab.file}`,
      );
    const key = endpoint.privateKeyFile;
    if (JINJA.test(key) || UNQUOTED_BY_ANSIBLE.test(key)) {
      refuse(
        host.name,
        'private key file',
        key,
        `a path without ", \\, % (Ansible hands it to ssh unescaped) and without "{{", "{%" or "{#" (a template to Ansible); ${anotherFolder}`,
      );
    }
  }
}

/** ssh's options that make it trust only the lab's known_hosts, under the machine's name. */
function sshCommonArgs(host: string, knownHostsFile: string): string {
  // Ansible splits this string as a POSIX shell does (shlex): each option one argument.
  return command(
    '-o',
    `UserKnownHostsFile=${sshPathValue(knownHostsFile)}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    `HostKeyAlias=${host}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'CheckHostIP=no',
    '-o',
    'IdentitiesOnly=yes',
    // as lab:ssh-config's LogLevel: no "Connection to … closed." in the output of raw
    '-o',
    'LogLevel=ERROR',
  );
}

function hostVars({ host, endpoint }: OutsideMachine, knownHostsFile: string): Vars {
  return {
    ansible_host: endpoint.address,
    ansible_port: endpoint.port,
    ansible_user: endpoint.user,
    ansible_ssh_private_key_file: endpoint.privateKeyFile,
    ansible_ssh_common_args: sshCommonArgs(host.name, knownHostsFile),
    // The Vagrant boxes log in as vagrant, who becomes root through sudo.
    ...(endpoint.user === 'root' ? {} : { ansible_become: true }),
    role: host.role,
    lan_address: host.lan,
    ...(host.heartbeat ? { heartbeat_address: host.heartbeat } : {}),
  };
}

function labVars(lab: Lab): Vars {
  return { vip_address: lab.vip.address, vip_name: lab.vip.name, ha_stack: lab.ha.stack };
}

function groupsOf(outside: OutsideLab): Map<string, Map<string, Vars>> {
  const groups = new Map<string, Map<string, Vars>>(GROUPS.map((group) => [group, new Map()]));
  for (const machine of outside.machines) {
    const [group] = inventoryHost(machine.host).groups;
    groups.get(group!)!.set(machine.host.name, hostVars(machine, outside.knownHostsFile));
  }
  return groups;
}

function header(outside: OutsideLab): string[] {
  return [
    `# Ansible inventory of hafarm lab "${outside.lab.name}" (${outside.provider} provider): ansible -i <this file> all -m raw -a 'uname -n'.`,
    "# Host keys are checked against the lab's known_hosts (ansible_ssh_common_args), which hafarm writes when it first connects to a machine (lab:provision).",
  ];
}

function renderYaml(outside: OutsideLab): string {
  const children = Object.fromEntries(
    [...groupsOf(outside)].map(([group, hosts]) => [group, { hosts: Object.fromEntries(hosts) }]),
  );
  // YAML 1.1, as Ansible's PyYAML reads it: "no", "on" or "1:20" are quoted to stay strings.
  const body = YAML.stringify({ all: { vars: labVars(outside.lab), children } }, { version: '1.1', lineWidth: 0 });
  return `${header(outside).join('\n')}\n${body}`;
}

// Ansible's INI reader hands each value to Python's ast.literal_eval: a value of these
// characters that is no Python literal stays the string it is; any other is written as a Python
// string literal (JSON's is one), which literal_eval reads back exactly.
const PLAIN_INI = /^(?:[A-Za-z_/][A-Za-z0-9_./:@+-]*|\d{1,3}(?:\.\d{1,3}){3})$/;
const PYTHON_CONSTANTS = ['True', 'False', 'None'];

function iniValue(value: Value): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return PLAIN_INI.test(value) && !PYTHON_CONSTANTS.includes(value) ? value : JSON.stringify(value);
}

function renderIni(outside: OutsideLab): string {
  const vars = Object.entries(labVars(outside.lab)).map(([name, value]) => `${name}=${iniValue(value)}`);
  // A host line is split as a POSIX shell does (shlex) before each value is read: quoted for it.
  const hostLine = (name: string, hostVars: Vars) =>
    [name, ...Object.entries(hostVars).map(([k, v]) => `${k}=${quote(iniValue(v))}`)].join(' ');
  const sections = [...groupsOf(outside)].map(([group, hosts]) => [
    `[${group}]`,
    ...[...hosts].map(([name, v]) => hostLine(name, v)),
  ]);
  return `${[header(outside), ['[all:vars]', ...vars], ...sections].map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

export function renderInventory(outside: OutsideLab, format: InventoryFormat): string {
  checkForAnsible(outside);
  return format === 'yaml' ? renderYaml(outside) : renderIni(outside);
}
