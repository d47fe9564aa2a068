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

/** Files in /var/log/ that are not text logs: Heartbeat's lines appended there would corrupt them. */
export const RESERVED_LOG_FILES: ReadonlyMap<string, string> = new Map(
  ['wtmp', 'btmp', 'lastlog', 'faillog'].map((name) => [`/var/log/${name}`, 'a binary login record, not a text log']),
);
