import { spawn } from 'node:child_process';
import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { SshConnection } from '../../engine/ssh/ssh-connection.ts';
import { UsageError, type Command } from '../command.ts';
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

export const sshCommand: Command = {
  name: 'ssh',
  summary: "an interactive shell on one machine (OpenSSH's ssh client, host key checked against the lab's known_hosts)",
  usage: 'ssh HOST [--lab FILE] [--state DIR]',
  positionals: ['HOST'],
  options: LAB_OPTIONS,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const { state, host, endpoint } = await endpointOf(args, 'npm run lab:ssh -- HOST');
    const child = spawn(
      'ssh',
      ['-i', endpoint.privateKeyFile, '-p', String(endpoint.port), '-o', `UserKnownHostsFile=${state.path(KNOWN_HOSTS_FILE)}`, '-o', `HostKeyAlias=${host}`, '-o', 'StrictHostKeyChecking=accept-new', '-o', 'IdentitiesOnly=yes', `${endpoint.user}@${endpoint.address}`],
      { stdio: 'inherit' },
    );
    return new Promise<number>((resolve, reject) => {
      child.once('error', (error) => reject(new UsageError(`cannot run ssh (is OpenSSH's client installed?): ${error.message}`)));
      child.once('exit', (code) => resolve(code ?? 1));
    });
  },
};

export const execCommand: Command = {
  name: 'exec',
  summary: 'run one command on one machine as root; prints its output and exits with its status',
  usage: 'exec [--lab FILE] [--state DIR] HOST COMMAND...',
  positionals: ['HOST'],
  options: LAB_OPTIONS,
  rawAfterFirstPositional: true,
  optionHelp: LAB_OPTION_HELP,
  async run(args) {
    const commandLine = args.positionals.slice(1).join(' ');
    if (args.positionals[0] !== undefined && !commandLine) throw new UsageError('name a command: npm run lab:exec -- HOST COMMAND...');
    const { state, endpoint } = await endpointOf(args, 'npm run lab:exec -- HOST COMMAND...');
    const connection = new SshConnection(endpoint, { knownHosts: new KnownHosts(state.path(KNOWN_HOSTS_FILE)) });
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
