// The outside tools as a user runs them on lab:ssh-config's and lab:inventory's files: OpenSSH's
// ssh -F, Debian's ansible-core and testinfra (py.test). Debian's own programs by path: another
// Python first on PATH (pyenv) has neither Ansible nor testinfra.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export const ANSIBLE = '/usr/bin/ansible';
export const ANSIBLE_INVENTORY = '/usr/bin/ansible-inventory';
export const PY_TEST = '/usr/bin/py.test-3';

export interface ToolResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function run(
  file: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<ToolResult> {
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 120_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * An environment of the scratch folder's own: a HOME without the user's ~/.ssh/config or
 * ~/.ansible, host key checking on whatever the host's settings say, and no ssh master
 * connection left running after a command (ControlPersist would outlive the lab).
 */
export function toolEnv(scratch: string): Record<string, string> {
  const home = join(scratch, 'home');
  mkdirSync(join(home, 'tmp'), { recursive: true });
  return {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_SSH_ARGS: '-o ControlMaster=no',
  };
}

export function ssh(
  config: string,
  host: string,
  remoteCommand: string,
  scratch: string,
  extra: string[] = [],
): Promise<ToolResult> {
  return run('ssh', ['-F', config, '-o', 'BatchMode=yes', ...extra, host, remoteCommand], {
    cwd: scratch,
    env: toolEnv(scratch),
  });
}

export function ansible(inventory: string, pattern: string, rawCommand: string, scratch: string): Promise<ToolResult> {
  return run(ANSIBLE, ['-i', inventory, pattern, '-m', 'raw', '-a', rawCommand], {
    cwd: scratch,
    env: toolEnv(scratch),
  });
}

/** Each host's variables as Ansible reads the inventory (ansible-inventory --list). */
export async function ansibleHostVars(
  inventory: string,
  scratch: string,
): Promise<Record<string, Record<string, unknown>>> {
  const result = await run(ANSIBLE_INVENTORY, ['-i', inventory, '--list'], { cwd: scratch, env: toolEnv(scratch) });
  if (result.exitCode !== 0)
    throw new Error(`ansible-inventory -i ${inventory} --list: exit ${result.exitCode}\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } })._meta.hostvars;
}

/** The groups Ansible reads, each with its hosts (ansible-inventory --list). */
export async function ansibleGroups(inventory: string, scratch: string): Promise<Record<string, string[]>> {
  const result = await run(ANSIBLE_INVENTORY, ['-i', inventory, '--list'], { cwd: scratch, env: toolEnv(scratch) });
  const list = JSON.parse(result.stdout) as Record<string, { hosts?: string[] }>;
  return Object.fromEntries(
    Object.entries(list)
      .filter(([name]) => name !== '_meta')
      .map(([name, group]) => [name, group.hosts ?? []]),
  );
}

/** `ansible … -m raw`'s output by host: the status of its "web1 | CHANGED | rc=0 >>" line and the lines after it. */
export function rawOutputByHost(stdout: string): Map<string, { status: string; output: string }> {
  const hosts = new Map<string, { status: string; output: string }>();
  let host: string | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^(\S+) \| (\S+)/.exec(line);
    if (head) hosts.set((host = head[1]!), { status: head[2]!, output: '' });
    else if (host) hosts.get(host)!.output += `${line}\n`;
  }
  for (const entry of hosts.values()) entry.output = entry.output.trim();
  return hosts;
}

/** testinfra's py.test on the hosts through OpenSSH with lab:ssh-config's file. */
export function testinfra(testFile: string, hosts: string[], config: string, scratch: string): Promise<ToolResult> {
  const args = [
    '-p',
    'no:cacheprovider',
    '-q',
    '-rA',
    `--hosts=${hosts.map((h) => `ssh://${h}`).join(',')}`,
    `--ssh-config=${config}`,
    // no master connection of testinfra's own left running (its default ControlPersist=60s)
    '--ssh-extra-args=-o ControlMaster=no',
    testFile,
  ];
  return run(PY_TEST, args, { cwd: scratch, env: toolEnv(scratch) });
}
