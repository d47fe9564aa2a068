// One namespace machine: an overlay root on the shared base, its own network, pid, mount, uts
// and ipc namespaces, tini as PID 1. Power off is SIGKILL to that PID 1: the kernel ends every
// process of the machine at once, and deleting its network namespace takes its interfaces
// (and a VIP it held) away, as pulling a VM's plug would.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { sshGreets } from '../ssh-greeting.ts';
import { join } from 'node:path';
import { attempt, run } from './host-command.ts';
import { hostTool } from '../host-tools.ts';
import { ensureNamespace, plug, removeNamespace, type Plug } from './wiring.ts';

export interface MachineSpec {
  host: string;
  namespace: string;
  /** the machine's folder in the lab state: upper, work, root, pid, console.log */
  dir: string;
  base: string;
  repo: string;
  plugs: Plug[];
  sshAddress: string;
  authorizedKey: string;
}

/** Mounts and hostname inside the new namespaces, then tini as PID 1 in the machine's root. */
const LAUNCH = `
set -e
R="$HAFARM_ROOT"
mount -t proc proc "$R/proc"
# Only the machine's own network settings are writable: /proc/sys outside net/ and /sys belong
# to the host's kernel.
mount --bind "$R/proc/sys" "$R/proc/sys"
mount --bind "$R/proc/sys/net" "$R/proc/sys/net"
mount -o remount,bind,ro "$R/proc/sys"
mount -t sysfs -o ro sysfs "$R/sys"
mount -t tmpfs -o mode=755,size=64m tmpfs "$R/run"
mount -t tmpfs -o mode=1777,size=256m tmpfs "$R/tmp"
mount -t tmpfs -o mode=755,size=1m tmpfs "$R/dev"
for d in null zero full random urandom tty; do touch "$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"; done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$R/dev/pts"
ln -sf pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,size=64m tmpfs "$R/dev/shm"
mount --bind "$HAFARM_REPO" "$R/hafarm-repo"
mount -o remount,bind,ro "$R/hafarm-repo"
hostname "$HAFARM_HOST"
exec chroot "$R" /usr/bin/tini -s -- /usr/local/sbin/hafarm-init
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function namespaceInode(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

export class NetnsMachine {
  constructor(readonly spec: MachineSpec) {}

  private get root(): string {
    return join(this.spec.dir, 'root');
  }

  private get pidFile(): string {
    return join(this.spec.dir, 'pid');
  }

  exists(): boolean {
    return existsSync(join(this.spec.dir, 'upper'));
  }

  /** Host PID of the machine's PID 1 while it runs inside the machine's network namespace. */
  pid1(): number | undefined {
    if (!existsSync(this.pidFile)) return undefined;
    const pid = Number(readFileSync(this.pidFile, 'utf8'));
    if (!pid || !alive(pid)) return undefined;
    const nsFile = `/run/netns/${this.spec.namespace}`;
    const ns = existsSync(nsFile) && statSync(nsFile).ino;
    const own = namespaceInode(`/proc/${pid}/ns/net`);
    return ns && own === `net:[${ns}]` ? pid : undefined;
  }

  isRunning(): boolean {
    return this.pid1() !== undefined;
  }

  private async isMounted(): Promise<boolean> {
    return readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .some((line) => line.split(' ')[1] === this.root);
  }

  async powerOn(): Promise<void> {
    if (this.isRunning()) return;
    await this.cleanUp();
    for (const sub of ['upper', 'work', 'root']) mkdirSync(join(this.spec.dir, sub), { recursive: true });
    await run('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${this.spec.base},upperdir=${join(this.spec.dir, 'upper')},workdir=${join(this.spec.dir, 'work')}`,
      this.root,
    ]);
    mkdirSync(join(this.root, 'root/.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(this.root, 'root/.ssh/authorized_keys'), this.spec.authorizedKey, { mode: 0o600 });
    writeFileSync(join(this.root, 'etc/hostname'), `${this.spec.host}\n`);
    const hosts = join(this.root, 'etc/hosts');
    if (!existsSync(hosts) || !readFileSync(hosts, 'utf8').includes(`127.0.1.1\t${this.spec.host}`)) {
      writeFileSync(
        hosts,
        `127.0.0.1\tlocalhost\n127.0.1.1\t${this.spec.host}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
      );
    }
    await ensureNamespace(this.spec.namespace);
    for (const p of this.spec.plugs) await plug(this.spec.namespace, p);
    await this.launch();
  }

  private async launch(): Promise<void> {
    const log = openSync(join(this.spec.dir, 'console.log'), 'a');
    const child = spawn(
      hostTool('ip'),
      [
        'netns',
        'exec',
        this.spec.namespace,
        'unshare',
        '--fork',
        '--pid',
        '--mount',
        '--uts',
        '--ipc',
        '--propagation',
        'private',
        'sh',
        '-c',
        LAUNCH,
      ],
      {
        detached: true,
        stdio: ['ignore', log, log],
        env: {
          PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
          HAFARM_ROOT: this.root,
          HAFARM_REPO: this.spec.repo,
          HAFARM_HOST: this.spec.host,
        },
      },
    );
    closeSync(log);
    child.unref();
    const unsharePid = child.pid!;
    // unshare --fork: its child is the machine's PID 1.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        const children = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim();
        if (children) {
          writeFileSync(this.pidFile, children.split(' ')[0]!);
          return;
        }
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${this.spec.host}: the machine did not start; see ${join(this.spec.dir, 'console.log')}`);
  }

  /** Waits until sshd answers on the management address. */
  async waitForSsh(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const banner = await sshGreets(this.spec.sshAddress, 22, 1000);
      if (banner) return;
      if (!this.isRunning())
        throw new Error(
          `${this.spec.host}: the machine stopped while booting; see ${join(this.spec.dir, 'console.log')}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `${this.spec.host}: sshd did not answer on ${this.spec.sshAddress}:22 within ${timeoutMs / 1000} s`,
    );
  }

  /** Pulls the plug: SIGKILL to PID 1, then the machine's mounts and network namespace go. */
  async powerOff(): Promise<void> {
    const pid = this.pid1();
    if (pid) {
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
    await this.cleanUp();
  }

  /** Removes what a running or crashed machine leaves on the host; its disk (upper) stays. */
  async cleanUp(): Promise<void> {
    // Processes still in the machine's network namespace (a crash can orphan them) are the lab's own.
    if (existsSync(`/run/netns/${this.spec.namespace}`)) await removeNamespace(this.spec.namespace);
    if (await this.isMounted()) {
      if (!(await attempt('umount', [this.root]))) await run('umount', ['-l', this.root]);
    }
    const links = new Set(
      (JSON.parse((await run('ip', ['-j', 'link', 'show'])) || '[]') as Array<{ ifname: string }>).map((l) => l.ifname),
    );
    for (const p of this.spec.plugs) if (links.has(p.hostEnd)) await attempt('ip', ['link', 'del', p.hostEnd]);
    rmSync(this.pidFile, { force: true });
  }

  async remove(): Promise<void> {
    await this.powerOff();
    rmSync(this.spec.dir, { recursive: true, force: true });
  }
}
