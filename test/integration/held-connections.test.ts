// The connection holder (lib/engine/ssh/held/) against real sshd: commands one after another use
// the one connection it keeps, two at once each a shell of their own; a lost connection, a
// changed host key and a command's timeout reach the command as the engine's own errors; the
// holder ends when idle, when told to, or when its socket goes; another build's holder is
// replaced. (The CLI's holder process, as lab:provision starts it and lab:destroy ends it, is in
// test/e2e/lab-lifecycle.test.ts.)
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandTimedOut, ConnectionLost } from '../../lib/engine/remote.ts';
import { HeldConnection, linkToHolder, type HolderAccess } from '../../lib/engine/ssh/held/held-connection.ts';
import { holdConnections } from '../../lib/engine/ssh/held/holder.ts';
import { HostKeyChanged } from '../../lib/engine/ssh/known-hosts.ts';
import { scratchDir } from '../helpers/cli.ts';
import { startSshd, SUDO_USER, type TestSshd } from '../helpers/sshd.ts';

const scratch = scratchDir('held');
let sshd: TestSshd;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
  scratch.remove();
});

/** A holder in this process (as the hold-connections command runs it), started on first need. */
function inProcessHolder(name: string, idleMs = 30_000) {
  const socketPath = join(scratch.dir, `${name}.sock`);
  let ended: Promise<void> | undefined;
  let starts = 0;
  const access: HolderAccess = {
    socketPath,
    startHolder: () => {
      starts += 1;
      ended = holdConnections({ socketPath, idleMs });
      return { gaveUp: () => false };
    },
  };
  return { access, socketPath, starts: () => starts, ended: () => ended };
}

/** Drops every connection to the test sshd; a process may end while we go through the list. */
function killSessions(): void {
  for (const pid of sshd.sessionPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const knownHostsFile = () => join(scratch.dir, 'known_hosts');

async function quit(access: HolderAccess): Promise<void> {
  const link = await linkToHolder(access, 'test');
  await link.request({ op: 'quit' }, 5_000);
  link.close();
}

describe('the connection holder', () => {
  it('keeps one connection for commands one after another: the first opens it, the next ones find it', async () => {
    const holder = inProcessHolder('reuse');
    const first = new HeldConnection(sshd.endpoint('h1', SUDO_USER), {
      ...holder.access,
      knownHostsFile: knownHostsFile(),
    });
    await first.connect();
    expect(first.opened).toBe(1);
    expect((await first.exec('echo "$(id -u) $0"')).stdout.trim()).toBe('0 sh');
    const staged = await first.stage(Buffer.from('held bytes\n'));
    expect((await first.exec(`cat ${staged}; rm -f ${staged}`)).stdout).toBe('held bytes\n');
    first.close();
    const sessions = sshd.sessionPids().length;

    const second = new HeldConnection(sshd.endpoint('h1', SUDO_USER), {
      ...holder.access,
      knownHostsFile: knownHostsFile(),
    });
    await second.connect();
    expect(second.opened).toBe(0);
    const bytes = await second.exec("printf 'a\\000b'; echo oops >&2; exit 3");
    expect(bytes).toMatchObject({ code: 3, stderr: 'oops\n' });
    expect([...bytes.stdoutBytes]).toEqual([0x61, 0x00, 0x62]);
    expect(sshd.sessionPids().length).toBe(sessions);
    expect(holder.starts()).toBe(1);
    second.close();
    // the socket is the owner's alone
    expect(statSync(holder.socketPath).mode & 0o777).toBe(0o600);
    await quit(holder.access);
    await holder.ended();
  });

  it('two commands at once on one machine each run in a shell of their own: neither waits for the other', async () => {
    const holder = inProcessHolder('together');
    const slow = new HeldConnection(sshd.endpoint('h5', SUDO_USER), {
      ...holder.access,
      knownHostsFile: knownHostsFile(),
    });
    const quick = new HeldConnection(sshd.endpoint('h5', SUDO_USER), {
      ...holder.access,
      knownHostsFile: knownHostsFile(),
    });
    await slow.connect();
    const sleeping = slow.exec('sleep 3; echo slept');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    // its connect asks the held connection `true` and finds it alive, though a command runs on it
    await quick.connect();
    expect(quick.opened).toBe(0);
    expect((await quick.exec('echo quick')).stdout).toBe('quick\n');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await sleeping).stdout).toBe('slept\n');
    slow.close();
    quick.close();
    // the shells they left idle serve the next commands: no new session on the machine
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sessions = sshd.sessionPids().length;
    const next = new HeldConnection(sshd.endpoint('h5', SUDO_USER), {
      ...holder.access,
      knownHostsFile: knownHostsFile(),
    });
    await next.connect();
    expect((await next.exec('echo next')).stdout).toBe('next\n');
    expect(sshd.sessionPids().length).toBe(sessions);
    next.close();
    await quit(holder.access);
    await holder.ended();
  });

  it('a connection lost under a command is said so; connecting again makes a new one', async () => {
    const holder = inProcessHolder('lost');
    const connection = new HeldConnection(sshd.endpoint('h2', SUDO_USER), {
      ...holder.access,
      knownHostsFile: knownHostsFile(),
    });
    await connection.connect();
    const running = connection.exec('sleep 30');
    await new Promise((resolve) => setTimeout(resolve, 300));
    killSessions();
    await expect(running).rejects.toBeInstanceOf(ConnectionLost);
    await connection.connect();
    expect(connection.opened).toBe(2);
    expect((await connection.exec('echo back')).stdout).toBe('back\n');
    connection.close();
    await quit(holder.access);
    await holder.ended();
  });

  it('a command over its time and a changed host key reach the command as the engine says them', async () => {
    const holder = inProcessHolder('errors');
    const connection = new HeldConnection(sshd.endpoint('h3', SUDO_USER), {
      ...holder.access,
      knownHostsFile: join(scratch.dir, 'known_hosts-errors'),
    });
    await connection.connect();
    await expect(connection.exec('sleep 5', { timeoutMs: 1_000 })).rejects.toBeInstanceOf(CommandTimedOut);
    connection.close();
    // the machine made again: its sessions gone, a new host key
    killSessions();
    await sshd.replaceHostKey();
    const again = new HeldConnection(sshd.endpoint('h3', SUDO_USER), {
      ...holder.access,
      knownHostsFile: join(scratch.dir, 'known_hosts-errors'),
    });
    // the held connection is found dead and made again: the new key is refused
    await expect(again.connect()).rejects.toBeInstanceOf(HostKeyChanged);
    // and it holds nothing open, or the command could not exit
    expect(again.connected).toBe(false);
    await quit(holder.access);
    await holder.ended();
  });

  it('ends by itself after its idle time, and when its socket is removed', async () => {
    const idle = inProcessHolder('idle', 300);
    const connection = new HeldConnection(sshd.endpoint('h4', SUDO_USER), {
      ...idle.access,
      knownHostsFile: knownHostsFile(),
    });
    await connection.connect();
    connection.close();
    await idle.ended();
    expect(() => statSync(idle.socketPath)).toThrow();

    const removed = inProcessHolder('removed', 1_000);
    const other = new HeldConnection(sshd.endpoint('h4', SUDO_USER), {
      ...removed.access,
      knownHostsFile: knownHostsFile(),
    });
    await other.connect();
    // a command still linked does not keep it: the lab's folder is gone
    const { rmSync } = await import('node:fs');
    rmSync(removed.socketPath);
    await removed.ended();
    other.close();
  });

  it('a second holder on a socket another answers on ends at once; a holder of another build is replaced', async () => {
    const holder = inProcessHolder('twice');
    await (await linkToHolder(holder.access, 'test')).close();
    await holdConnections({ socketPath: holder.socketPath, idleMs: 30_000 });
    // a fake holder of an older build: told to quit, then a real one started in its place
    await quit(holder.access);
    await holder.ended();
    const { createServer } = await import('node:net');
    let told = false;
    const fake = createServer((socket) =>
      socket.on('data', (chunk) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const request = JSON.parse(line) as { id: number; op: string };
          socket.write(`${JSON.stringify({ id: request.id, ok: true, protocol: 1, build: 'an older one' })}\n`);
          if (request.op === 'quit') {
            told = true;
            fake.close();
          }
        }
      }),
    );
    await new Promise<void>((resolve) => fake.listen(holder.socketPath, resolve));
    const link = await linkToHolder(holder.access, 'test');
    expect(told).toBe(true);
    expect(holder.starts()).toBe(2);
    link.close();
    await quit(holder.access);
    await holder.ended();
  });
});
