// Commands on the lab's machines for the checks (who holds the VIP, Heartbeat's log), over the
// same SSH engine as provisioning: one connection per machine, reopened after a power cycle.
import { KnownHosts } from '../engine/ssh/known-hosts.ts';
import { SshConnection } from '../engine/ssh/ssh-connection.ts';
import type { ExecResult } from '../engine/remote.ts';
import type { LabProvider } from '../providers/provider.ts';

export class MachineShell {
  private readonly connections = new Map<string, SshConnection>();

  constructor(
    private readonly provider: LabProvider,
    private readonly knownHosts: KnownHosts,
  ) {}

  async exec(host: string, command: string): Promise<ExecResult> {
    for (let attempt = 0; ; attempt++) {
      let connection = this.connections.get(host);
      try {
        if (!connection) {
          const endpoint = (await this.provider.sshEndpoints()).get(host);
          if (!endpoint) throw new Error(`${host} is not running`);
          connection = new SshConnection(endpoint, { knownHosts: this.knownHosts, commandTimeoutMs: 30_000 });
          await connection.connect();
          this.connections.set(host, connection);
        }
        return await connection.exec(command);
      } catch (error) {
        connection?.close();
        this.connections.delete(host);
        if (attempt > 0) throw error;
      }
    }
  }

  /** Whether the machine holds the address on any interface; false when it is off. */
  async holds(host: string, address: string): Promise<boolean> {
    try {
      const result = await this.exec(host, `ip -4 -o addr show | grep -c ' ${address}/' || true`);
      return result.stdout.trim() !== '0' && result.stdout.trim() !== '';
    } catch {
      return false;
    }
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
