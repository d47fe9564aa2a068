// Where the engine logs in to run a host's tasks. The engine defines it and whoever makes the
// machines (a provider, a test's sshd) hands one over per host, so the engine knows no provider.
export interface SshTarget {
  /** the host's inventory name: its key in known_hosts and its name in messages */
  host: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile: string;
}
