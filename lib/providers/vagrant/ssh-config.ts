// `vagrant ssh-config` prints an OpenSSH client config block per machine; we keep the four facts
// the SSH engine needs.
import type { SshEndpoint } from '../provider.ts';

export function parseSshConfig(output: string): Map<string, SshEndpoint> {
  const endpoints = new Map<string, SshEndpoint>();
  let current: Partial<SshEndpoint> | undefined;
  const finish = () => {
    if (current?.host && current.address && current.port && current.user && current.privateKeyFile) {
      endpoints.set(current.host, current as SshEndpoint);
    }
  };
  for (const raw of output.split(/\r?\n/)) {
    const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(raw);
    if (!match) continue;
    const [, key, rawValue] = match;
    const value = rawValue!.replace(/^"(.*)"$/, '$1');
    switch (key!.toLowerCase()) {
      case 'host':
        finish();
        current = { host: value };
        break;
      case 'hostname':
        if (current) current.address = value;
        break;
      case 'port':
        if (current) current.port = Number(value);
        break;
      case 'user':
        if (current) current.user = value;
        break;
      case 'identityfile':
        // The first key is the one Vagrant generated for the machine.
        if (current && !current.privateKeyFile) current.privateKeyFile = value;
        break;
    }
  }
  finish();
  return endpoints;
}
