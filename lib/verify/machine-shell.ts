// Commands on the lab's machines for the checks (who holds the VIP, Heartbeat's log), over the
// same SSH engine as provisioning: one connection per machine, reopened after a power cycle.
// The checks power machines off and on through it, so it never waits on a machine it knows
// is off, and asks the provider for endpoints only when it has none for a machine: on the
// Vagrant providers each ask runs `vagrant ssh-config`, seconds long.
import { KnownHosts } from '../engine/ssh/known-hosts.ts';
import { SshConnection } from '../engine/ssh/ssh-connection.ts';
import type { ExecOptions, ExecResult } from '../engine/remote.ts';
import type { LabProvider, SshEndpoint } from '../providers/provider.ts';

export class MachineShell {
  private readonly connections = new Map<string, SshConnection>();
  private readonly poweredOff = new Set<string>();
  /** power operations run one at a time; after an interrupt the checks may start none */
  private powerQueue: Promise<unknown> = Promise.resolve();
  private powerStopped = false;

  /** endpoints: shared by shells that reach the same machines, so that only one asks the provider */
  constructor(
    private readonly provider: LabProvider,
    private readonly knownHosts: KnownHosts,
    private readonly endpoints = new Map<string, SshEndpoint>(),
  ) {}

  /** The open connection to a machine, made on first use. */
  async connection(host: string): Promise<SshConnection> {
    const open = this.connections.get(host);
    if (open) return open;
    if (this.poweredOff.has(host)) throw new Error(`${host} is powered off`);
    if (!this.endpoints.has(host)) for (const [name, endpoint] of await this.provider.sshEndpoints()) this.endpoints.set(name, endpoint);
    const endpoint = this.endpoints.get(host);
    if (!endpoint) throw new Error(`${host} is not running`);
    const connection = new SshConnection(endpoint, { knownHosts: this.knownHosts, commandTimeoutMs: 30_000 });
    await connection.connect();
    this.connections.set(host, connection);
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

  /** Pulls the plug (V3, V4); the machine's connection is gone with it. */
  powerOff(host: string): Promise<void> {
    return this.powerOperation(async () => {
      this.poweredOff.add(host);
      this.forget(host);
      await this.provider.powerOff(host);
    });
  }

  /** Boots the machine again; its endpoint is read anew (a VM may come back on another port or address). */
  powerOn(host: string): Promise<void> {
    return this.powerOperation(() => this.boot(host));
  }

  /** After an interrupt: refuses the checks any further power operation; resolves once the one under way is done. */
  async stopPowerOperations(): Promise<void> {
    this.powerStopped = true;
    await this.powerQueue;
  }

  /** Powers a machine on to leave the lab as it was found, also after stopPowerOperations(). */
  async restore(host: string): Promise<void> {
    await this.powerQueue;
    await this.boot(host);
  }

  private powerOperation(operation: () => Promise<void>): Promise<void> {
    if (this.powerStopped) return Promise.reject(new Error('verification interrupted: no more power operations'));
    const run = this.powerQueue.then(operation);
    this.powerQueue = run.catch(() => undefined);
    return run;
  }

  private async boot(host: string): Promise<void> {
    this.forget(host);
    this.endpoints.delete(host);
    await this.provider.powerOn(host);
    this.poweredOff.delete(host);
  }

  /** Whether the machine holds the address on any interface; false when it is off. */
  async holds(host: string, address: string): Promise<boolean> {
    if (this.poweredOff.has(host)) return false;
    try {
      const result = await this.exec(host, `ip -4 -o addr show | grep -c ' ${address}/' || true`);
      return result.stdout.trim() !== '0' && result.stdout.trim() !== '';
    } catch {
      return false;
    }
  }

  /** The name of the machine's interface that carries an address (eth1, or enp0s8 on some boxes). */
  async interfaceWith(host: string, address: string): Promise<string> {
    const result = await this.exec(host, `ip -o -4 addr show to ${address}/32`);
    const iface = result.stdout.trim().split(/\s+/)[1]?.split('@')[0];
    if (!iface) throw new Error(`${host} has no interface with ${address}`);
    return iface;
  }

  /** The first of the hosts that holds the address, if any. */
  async holderOf(hosts: string[], address: string): Promise<string | undefined> {
    for (const host of hosts) if (await this.holds(host, address)) return host;
    return undefined;
  }

  forget(host: string): void {
    this.connections.get(host)?.close();
    this.connections.delete(host);
  }

  closeAll(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }
}
