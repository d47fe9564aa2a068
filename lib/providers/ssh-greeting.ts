// Whether an SSH server is there: its greeting ("SSH-2.0-…") read, not only a connection made.
// A port forward (docker-proxy, a hypervisor's NAT rule) accepts connections before the sshd
// behind it listens, or before its guest has booted. Every provider that waits for a machine's
// sshd asks this.
import { connect } from 'node:net';

export function sshGreets(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let said = '';
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('data', (chunk: Buffer) => {
      said += chunk.toString('latin1');
      if (said.length >= 4) done(said.startsWith('SSH-'));
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
