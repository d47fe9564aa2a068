// The Vagrant providers' way in: their internal networks are out of this host's reach, so a lab
// machine on the LAN opens each connection to the VIP and hands it back over SSH (ssh2, so no
// OpenSSH is needed on Windows). One SSH connection, made again if it drops.
import type { Duplex } from 'node:stream';
import type { KnownHosts } from '../engine/ssh/known-hosts.ts';
import { SshConnection } from '../engine/ssh/ssh-connection.ts';
import type { LabProvider } from '../providers/provider.ts';
import { UserFacingError } from '../user-facing-error.ts';
import type { VipConnector } from './vip-connector.ts';

export function sshConnector(
  provider: Pick<LabProvider, 'sshEndpoints'>,
  knownHosts: KnownHosts,
  machine: string,
  address: string,
  port: number,
): VipConnector {
  let open: Promise<SshConnection> | undefined;
  const connection = () =>
    (open ??= (async () => {
      const endpoint = (await provider.sshEndpoints()).get(machine);
      if (!endpoint) throw new UserFacingError(`lab:open: ${machine} is not running (npm run lab:start -- ${machine})`);
      const ssh = new SshConnection(endpoint, { knownHosts });
      await ssh.connect();
      return ssh;
    })().catch((error) => {
      open = undefined;
      throw error;
    }));
  return {
    describe: `through ${machine} over SSH`,
    async connect(): Promise<Duplex> {
      const made = connection();
      const ssh = await made;
      try {
        return await ssh.forwardOut(address, port);
      } catch (error) {
        // Refused by the VIP (a failover under way): this request's failure, the connection stays.
        if (ssh.connected) throw error;
        // The connection dropped (the machine rebooted): once more on a new one, made only once
        // however many requests noticed it.
        if (open === made) open = undefined;
        return (await connection()).forwardOut(address, port);
      }
    },
    async close() {
      (await open?.catch(() => undefined))?.close();
      open = undefined;
    },
  };
}
