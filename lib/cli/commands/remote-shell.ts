import { spawn } from 'node:child_process';
import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { command } from '../../engine/ssh/shell-quote.ts';
import { sshPathValue } from '../../outside/openssh-value.ts';
import type { SshEndpoint } from '../../providers/provider.ts';
import { UsageError, type Command } from '../command.ts';
import { connectionsFor } from '../held-connections.ts';
import { hostArgument, LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';
import { KNOWN_HOSTS_FILE } from './provision.ts';

async function endpointOf(args: Parameters<Command['run']>[0], usage: string) {
  const definition = labContext(args);
  const host = hostArgument(args, definition.lab, usage);
  const context = upLab(definition);
  const endpoint = (await context.provider.sshEndpoints()).get(host);
  if (!endpoint) throw new UsageError(`${host} is not running (npm run lab:start -- ${host})`);
  return { ...context, host, endpoint };
}

/**
 * OpenSSH's arguments for an interactive root shell on one lab machine, its host key checked
 * against the lab's known_hosts. The Vagrant boxes log in as `vagrant`: root through `sudo -i`.
 */
export function sshArgs(
  endpoint: SshEndpoint,
  host: string,
  knownHostsFile: string,
  remoteCommand: string[] = [],
): string[] {
  const becomeRoot = remoteCommand.length === 0 && endpoint.user !== 'root';
  return [
    // sudo -i needs a terminal to be an interactive shell.
    ...(becomeRoot ? ['-t'] : []),
    '-o',
    `IdentityFile=${sshPathValue(endpoint.privateKeyFile)}`,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${sshPathValue(knownHostsFile)}`,
    // Plain names, as hafarm's own SSH engine reads and forgets them (Debian's ssh_config hashes them).
    '-o',
    'HashKnownHosts=no',
    '-o',
    `HostKeyAlias=${host}`,
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-p',
    String(endpoint.port),
    `${endpoint.user}@${endpoint.address}`,
    ...(becomeRoot ? ['sudo', '-i'] : remoteCommand),
  ];
}

export const sshCommand: Command = {
  name: 'ssh',
  summary: "an interactive shell on one machine (OpenSSH's ssh client, host key checked against the lab's known_hosts)",
  usage: 'ssh HOST [--lab FILE] [--state DIR]',
  positionals: ['HOST'],
  options: LAB_OPTIONS,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const { state, host, endpoint } = await endpointOf(args, 'npm run lab:ssh -- HOST');
    const child = spawn('ssh', sshArgs(endpoint, host, state.path(KNOWN_HOSTS_FILE)), { stdio: 'inherit' });
    return new Promise<number>((resolve, reject) => {
      child.once('error', (error) =>
        reject(new UsageError(`cannot run ssh (is OpenSSH's client installed?): ${error.message}`)),
      );
      child.once('exit', (code) => resolve(code ?? 1));
    });
  },
};

/**
 * The command line the machine's shell runs: one argument is a shell line as typed
 * (`'tail /var/log/ha-log | grep dead'`); several are an argv, each quoted, so the machine gets
 * exactly the arguments typed (`sh -c 'echo x >> f'` stays three arguments), as docker exec does.
 */
export function remoteCommandLine(argv: string[]): string {
  return argv.length === 1 ? argv[0]! : command(...argv);
}

export const execCommand: Command = {
  name: 'exec',
  summary: 'run one command on one machine as root; prints its output and exits with its status',
  usage: 'exec [--lab FILE] [--state DIR] HOST COMMAND...',
  positionals: ['HOST'],
  options: LAB_OPTIONS,
  rawAfterFirstPositional: true,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const commandLine = remoteCommandLine(args.positionals.slice(1));
    if (args.positionals[0] !== undefined && !commandLine)
      throw new UsageError('name a command: npm run lab:exec -- HOST COMMAND...');
    const { state, endpoint } = await endpointOf(args, 'npm run lab:exec -- HOST COMMAND...');
    const connection = (await connectionsFor(state, { knownHosts: new KnownHosts(state.path(KNOWN_HOSTS_FILE)) }))(
      endpoint,
    );
    await connection.connect();
    try {
      const result = await connection.exec(commandLine);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      return result.code;
    } finally {
      connection.close();
    }
  },
};
