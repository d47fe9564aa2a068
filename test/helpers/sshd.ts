// A real OpenSSH sshd for the engine's tests: on a free loopback port (or inside a network
// namespace of the test's own), with throw-away host and client keys, accepting root and a
// login user who needs sudo. Everything it starts it ends by PID.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SshEndpoint } from '../../lib/providers/provider.ts';
import { scratchDir } from './cli.ts';

export const SUDO_USER = 'hafarmci';

export function requireTestMachine(): void {
  const problems: string[] = [];
  if (!existsSync('/usr/sbin/sshd')) problems.push('openssh-server is not installed');
  try {
    execFileSync('id', [SUDO_USER], { stdio: 'ignore' });
  } catch {
    problems.push(`the test user ${SUDO_USER} does not exist`);
  }
  if (problems.length > 0) throw new Error(`${problems.join('; ')}: npm test prepares the host (as root)`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(address: string, port: number, netns?: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = netns
      ? (() => {
          try {
            execFileSync('ip', ['netns', 'exec', netns, 'sh', '-c', `ss -ltn | grep -q ':${port} '`], {
              stdio: 'ignore',
            });
            return true;
          } catch {
            return false;
          }
        })()
      : await new Promise<boolean>((resolve) => {
          const socket = connect({ host: address, port }, () => {
            socket.end();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        });
    if (ready) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${address}:${port} within ${timeoutMs} ms`);
}

export interface TestSshd {
  address: string;
  port: number;
  dir: string;
  clientKey: string;
  endpoint(host: string, user?: string): SshEndpoint;
  /** the processes serving connections (everything below the listener) */
  sessionPids(): number[];
  /** restarts the listener with a new host key on the same address and port */
  replaceHostKey(): Promise<void>;
  stop(): Promise<void>;
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
}

export async function startSshd(options: { netns?: { name: string; address: string } } = {}): Promise<TestSshd> {
  requireTestMachine();
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'hafarm-sshd-'));
  const address = options.netns?.address ?? '127.0.0.1';
  const port = options.netns ? 22 : await freePort();
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  // sshd reads authorized_keys as the login user: the folder and that file must be readable by it.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o644 });
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      `ListenAddress ${address}`,
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `AllowUsers root ${SUDO_USER}`,
      'Subsystem sftp internal-sftp',
      'MaxStartups 100:30:200',
      'MaxSessions 100',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );

  let child: ChildProcess;
  const launch = async () => {
    const argv = ['/usr/sbin/sshd', '-D', '-e', '-f', join(dir, 'sshd_config')];
    child = options.netns
      ? spawn('ip', ['netns', 'exec', options.netns.name, ...argv], { stdio: 'ignore' })
      : spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    await waitForPort(address, port, options.netns?.name);
  };
  const stopListener = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  await launch();

  /** Every process below the listener: the per-connection monitors, their sessions, the shells. */
  const sessionPids = () => {
    const parents = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // the process ended while we looked
      }
    }
    const below = new Set<number>([child.pid!]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, parent] of parents) {
        if (below.has(parent) && !below.has(pid)) {
          below.add(pid);
          grew = true;
        }
      }
    }
    below.delete(child.pid!);
    return [...below];
  };

  return {
    address,
    port,
    dir,
    clientKey: join(dir, 'client_key'),
    endpoint: (host, user = 'root') => ({ host, address, port, user, privateKeyFile: join(dir, 'client_key') }),
    sessionPids,
    async replaceHostKey() {
      await stopListener();
      rmSync(join(dir, 'host_key'));
      rmSync(join(dir, 'host_key.pub'));
      keygen(join(dir, 'host_key'));
      await launch();
    },
    async stop() {
      for (const pid of sessionPids()) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      await stopListener();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file that talks to one real sshd: started before its tests, stopped after them with
 * the file's scratch folder, pass or fail. `sshd` is read once the tests run.
 */
export function sshdForTests(prefix: string): { scratch: { dir: string }; sshd: () => TestSshd } {
  const scratch = scratchDir(prefix);
  let sshd: TestSshd | undefined;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
    scratch.remove();
  });
  return { scratch, sshd: () => sshd! };
}
