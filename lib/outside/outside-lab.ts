// The lab as outside tools (OpenSSH, Ansible, testinfra) reach it: its running machines, each
// with the SSH endpoint its provider gives and its host of the definition, and the lab's
// known_hosts. The endpoints come from the provider (vagrant ssh-config, the state folder), so
// each value is checked before a renderer writes it into a config file.
import { printable, quoted } from '../printable.ts';
import type { Host, Lab, ProviderName } from '../lab/model.ts';
import type { SshEndpoint } from '../providers/provider.ts';
import { UserFacingError } from '../user-facing-error.ts';

export interface OutsideMachine {
  host: Host;
  endpoint: SshEndpoint;
}

export interface OutsideLab {
  lab: Lab;
  provider: ProviderName;
  /** the lab's known_hosts: host keys under the machines' names (HostKeyAlias), written by hafarm on first contact */
  knownHostsFile: string;
  /** the running machines, in the definition's order */
  machines: OutsideMachine[];
}

/** A value that cannot go into an outside tool's file as it is, said with what is allowed. */
export class ConfigValueRefused extends UserFacingError {
  override name = 'ConfigValueRefused';
}

// Control, format and line-separator characters: a newline would end a config line, and none
// of them can be quoted for OpenSSH.
const UNQUOTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const ADDRESS = /^[A-Za-z0-9:]([A-Za-z0-9.:-]{0,252})$/;
const LOGIN_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

function refuse(host: string, what: string, value: string, allowed: string): never {
  throw new ConfigValueRefused(
    `${host}: the ${what} ${quoted(printable(value))} cannot go into a config file (allowed: ${allowed})`,
  );
}

/** Refuses a file name a config could not hold: relative (the tools run anywhere) or with a control character. */
export function checkPath(host: string, what: string, path: string): void {
  if (!path.startsWith('/') || UNQUOTABLE.test(path))
    refuse(host, what, path, 'an absolute path without control characters; pass another --state folder');
}

/** Each value of each machine checked, so that a renderer may write it: ConfigValueRefused otherwise. */
export function checkOutsideLab(outside: OutsideLab): void {
  checkPath('the lab', 'known_hosts file', outside.knownHostsFile);
  for (const { host, endpoint } of outside.machines) {
    if (endpoint.host !== host.name)
      refuse(host.name, 'SSH endpoint of another host', endpoint.host, `the endpoint of ${host.name}`);
    if (!ADDRESS.test(endpoint.address))
      refuse(host.name, 'SSH address', endpoint.address, 'an IP address or a DNS name');
    if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65_535)
      refuse(host.name, 'SSH port', String(endpoint.port), 'a whole number from 1 to 65535');
    if (!LOGIN_USER.test(endpoint.user))
      refuse(host.name, 'SSH user', endpoint.user, 'a login name: lowercase letters, digits, "_" and "-"');
    checkPath(host.name, 'private key file', endpoint.privateKeyFile);
  }
}
