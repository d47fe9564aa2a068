// Values that match a field's pattern but belong to something else on the machines or the host,
// each with the reason the user reads.

/** Host names that /etc/hosts or the namespace provider already give a meaning. */
export const RESERVED_HOST_NAMES: ReadonlyMap<string, string> = new Map([
  ['localhost', "names the machine itself in every machine's /etc/hosts"],
  ['client', "the namespace provider's LAN client has that name (hf-<lab>-client)"],
  ['ip6-localhost', "names ::1 in the machines' /etc/hosts"],
  ['ip6-loopback', "names ::1 in the machines' /etc/hosts"],
]);

/** Interfaces a lab network must not be put on. */
export const RESERVED_INTERFACES: ReadonlyMap<string, string> = new Map([
  ['eth0', "the management adapter (VirtualBox's NAT, the host's way in over SSH)"],
  ['lo', 'the loopback interface'],
]);

/** TCP ports of the balancers already taken. */
export const RESERVED_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'sshd listens on it: the machines are reached over SSH'],
]);

/**
 * Names in /var/log/ of the machines (Debian 12 and its Vagrant box) that are not a text log of
 * the lab's own: binary records Heartbeat's lines would corrupt, folders, where Heartbeat and
 * rsyslog cannot write a file at all, and a symbolic link, whose target the lines would land in.
 * The folders the components' packages make there the components declare (FarmFacts.logFolders).
 */
export const RESERVED_LOG_FILES: ReadonlyMap<string, string> = new Map([
  ...['wtmp', 'btmp', 'lastlog', 'faillog'].map((name): [string, string] => [
    `/var/log/${name}`,
    'a binary login record, not a text log',
  ]),
  ...(
    [
      ['apt', "apt's"],
      ['journal', "systemd-journald's"],
      ['private', "systemd's, for services' own logs"],
      ['installer', "the Debian installer's (the Vagrant box)"],
      ['runit', "runit's"],
      ['sysstat', "sysstat's"],
      ['unattended-upgrades', "unattended-upgrades'"],
      ['chrony', "chrony's"],
      ['exim4', "exim4's"],
    ] as const
  ).map(([name, whose]): [string, string] => [`/var/log/${name}`, `a folder (${whose}), not a file`]),
  ['/var/log/README', "a symbolic link (to systemd's README.logs), not a log of its own"],
]);
