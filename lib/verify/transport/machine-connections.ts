// Commands on the lab's machines, over the same SSH engine as provisioning: one connection per
// machine, made on first use and reopened once when it was lost. The endpoints are asked of the
// provider only when one is missing: on the Vagrant providers each ask runs `vagrant ssh-config`,
// seconds long. A machine known to be off is never waited on.
import type { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { SshConnection } from '../../engine/ssh/ssh-connection.ts';
import type { ExecOptions, ExecResult } from '../../engine/remote.ts';
import type { LabProvider, SshEndpoint } from '../../providers/provider.ts';

export class MachineConnections {
  private readonly connections = new Map<string, SshConnection>();
  /** connections being made: two commands at once for one machine share one (the other would be left open) */
  private readonly connecting = new Map<string, Promise<SshConnection>>();
  private readonly off = new Set<string>();

  /** endpoints: shared by pools that reach the same machines, so that only one asks the provider */
  constructor(
    private readonly provider: Pick<LabProvider, 'sshEndpoints'>,
    private readonly knownHosts: KnownHosts,
    private readonly endpoints = new Map<string, SshEndpoint>(),
  ) {}

  /** The open connection to a machine, made on first use. */
  async connection(host: string): Promise<SshConnection> {
    const open = this.connections.get(host);
    if (open) return open;
    if (this.off.has(host)) throw new Error(`${host} is powered off`);
    const pending = this.connecting.get(host);
    if (pending) return pending;
    const made = this.connect(host);
    this.connecting.set(host, made);
    try {
      const connection = await made;
      // forgotten while it was being made (a power-off, closeAll): it is not kept open
      if (this.connecting.get(host) !== made) {
        connection.close();
        throw new Error(`${host}: its connection was closed while it was being made`);
      }
      this.connections.set(host, connection);
      return connection;
    } finally {
      if (this.connecting.get(host) === made) this.connecting.delete(host);
    }
  }

  private async connect(host: string): Promise<SshConnection> {
    if (!this.endpoints.has(host))
      for (const [name, endpoint] of await this.provider.sshEndpoints()) this.endpoints.set(name, endpoint);
    const endpoint = this.endpoints.get(host);
    if (!endpoint) throw new Error(`${host} is not running`);
    const connection = new SshConnection(endpoint, { knownHosts: this.knownHosts, commandTimeoutMs: 30_000 });
    await connection.connect();
    return connection;
  }

  /** Runs a command as root; a connection lost since the last command is reopened once. */
  async exec(host: string, command: string, options?: ExecOptions): Promise<ExecResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await (await this.connection(host)).exec(command, options);
      } catch (error) {
        this.forget(host);
        if (attempt > 0) throw error;
      }
    }
  }

  isOff(host: string): boolean {
    return this.off.has(host);
  }

  /** The machine was powered off: its connection is gone with it. */
  poweredOff(host: string): void {
    this.off.add(host);
    this.forget(host);
  }

  /** The machine booted again: its endpoint is read anew (a VM may come back on another port or address). */
  poweredOn(host: string): void {
    this.forget(host);
    this.endpoints.delete(host);
    this.off.delete(host);
  }

  forget(host: string): void {
    this.connections.get(host)?.close();
    this.connections.delete(host);
    this.connecting.delete(host);
  }

  closeAll(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
    this.connecting.clear();
  }
}
