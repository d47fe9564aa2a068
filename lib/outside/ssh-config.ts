// The lab as an OpenSSH client config (lab:ssh-config): a Host block per running machine, as
// `vagrant ssh-config` prints, but with the host key checked against the lab's known_hosts
// (vagrant's has StrictHostKeyChecking no and UserKnownHostsFile /dev/null).
import { sshPathValue } from './openssh-value.ts';
import { checkOutsideLab, type OutsideLab } from './outside-lab.ts';

export function renderSshConfig(outside: OutsideLab): string {
  checkOutsideLab(outside);
  const header = [
    `# OpenSSH client config of hafarm lab "${outside.lab.name}" (${outside.provider} provider): ssh -F <this file> HOST.`,
    "# Host keys are checked against the lab's known_hosts, which hafarm writes when it first connects to a machine (lab:provision).",
  ];
  const blocks = outside.machines.map(({ host, endpoint }) => [
    `Host ${host.name}`,
    `  HostName ${endpoint.address}`,
    `  Port ${endpoint.port}`,
    `  User ${endpoint.user}`,
    `  IdentityFile ${sshPathValue(endpoint.privateKeyFile)}`,
    '  IdentitiesOnly yes',
    '  PasswordAuthentication no',
    `  UserKnownHostsFile ${sshPathValue(outside.knownHostsFile)}`,
    // Only the lab's file: a stale line of this host's own would otherwise be read too.
    '  GlobalKnownHostsFile /dev/null',
    // hafarm records each key under the machine's name, not its address and port.
    `  HostKeyAlias ${host.name}`,
    '  StrictHostKeyChecking yes',
    '  CheckHostIP no',
    '  LogLevel ERROR',
  ]);
  return `${[header, ...blocks].map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
