// The namespace provider's way in: a forwarder (netns-forwarder.mjs) in the lab's client
// namespace, on the LAN beside the balancers, reached through a Unix socket in a folder of
// lab:open's own (mode 700, removed at the end).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { packagePath } from '../package-root.ts';
import { hostTool } from '../providers/host-tools.ts';
import { UserFacingError } from '../user-facing-error.ts';
import type { VipConnector } from './vip-connector.ts';

const FORWARDER = packagePath('lib', 'open', 'netns-forwarder.mjs');

export async function netnsConnector(namespace: string, address: string, port: number): Promise<VipConnector> {
  // A short path: a Unix socket's name has room for 107 bytes, which a state folder may not leave.
  const dir = mkdtempSync(join(tmpdir(), 'hafarm-open-'));
  const socketPath = join(dir, 'vip.sock');
  const child = spawn(
    hostTool('ip'),
    ['netns', 'exec', namespace, process.execPath, FORWARDER, socketPath, address, String(port)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let said = '';
  child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  let closing = false;
  const lost = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!closing)
        resolve(
          `the forwarder in the client namespace ${namespace} ended (${signal ?? `exit ${code}`})${said.trim() ? `: ${said.trim()}` : ''}`,
        );
    }),
  );
  const close = async () => {
    closing = true;
    // A child that never started (spawn failed) has no PID and will not exit.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const exited = new Promise((r) => child.once('exit', r));
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) =>
        reject(
          new UserFacingError(
            `lab:open: the forwarder in the client namespace ${namespace} stopped (exit ${code}): ${said.trim() || 'no message'}`,
          ),
        ),
      );
      child.once('error', (error) =>
        reject(new UserFacingError(`lab:open: cannot start the forwarder in ${namespace}: ${error.message}`)),
      );
    });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    describe: `through the client namespace ${namespace}`,
    connect: () =>
      new Promise<Duplex>((resolve, reject) => {
        const socket = connect(socketPath);
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      }),
    close,
    lost,
  };
}
