// A Debian 12 Vagrant box for libvirt, built on this host from Debian's packages only (there is
// no Vagrant Cloud here), cached and added under a test-only name. It has what
// debian/bookworm64 has for hafarm's purposes: the `vagrant` user with Vagrant's insecure key
// (from the vagrant package) and passwordless sudo, openssh-server, ifupdown with
// isc-dhcp-client, systemd, `net.ifnames=0` (eth0, eth1… as in the tutorial), and no SSH host
// keys: each machine makes its own at first boot.
//
// How (see shared/docs/platform-notes.md): mmdebstrap into a folder; a partitioned raw disk whose
// partition is reached through a loop device at its offset and filled by mkfs.ext4 -d; GRUB
// installed by one throw-away QEMU boot of the image's own kernel with `init=` a script running
// grub-install and update-grub (the host cannot install GRUB into an image); qemu-img convert to
// qcow2; a box tarball with metadata.json (provider libvirt, format qcow2, virtual_size), a
// Vagrantfile and box.img.
//
// The box's Vagrantfile carries the test host's libvirt settings (libvirt-host.ts): its storage
// pool and its isolated management network. Vagrant reads a box's Vagrantfile before the
// project's, so hafarm's generated Vagrantfile is used as a user's would be.
//
// Test code, not product code: nothing here is part of hafarm.
//
// Shell glue in zx: each command is a $`…` line, and zx quotes every ${value} in it.
import { createHash, randomUUID } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { $, type Duration } from 'zx';
import { TEST_MGMT_NETWORK, TEST_POOL } from './libvirt-host.ts';

/** The box name the test's lab definition uses. Never a name of Vagrant Cloud's. */
export const TEST_BOX = 'hafarm-test/bookworm64';

const VAGRANT_PUBLIC_KEY = '/usr/share/rubygems-integration/all/gems/vagrant-2.3.4/keys/vagrant.pub';
/** Virtual size of the disk, GiB (sparse: the qcow2 holds what is used). */
const DISK_GIB = 8;

const RECIPE = {
  suite: 'bookworm',
  variant: 'minbase',
  include: [
    'systemd-sysv',
    'udev',
    'dbus',
    'linux-image-amd64',
    'grub-pc',
    'initramfs-tools',
    'kmod',
    'openssh-server',
    'sudo',
    'ifupdown',
    'isc-dhcp-client',
    'iproute2',
    'netbase',
    'procps',
    'less',
    'ca-certificates',
  ],
  mirrors: [
    'deb http://deb.debian.org/debian bookworm main',
    'deb http://deb.debian.org/debian bookworm-updates main',
    'deb http://deb.debian.org/debian-security bookworm-security main',
  ],
  // How this host's apt reaches the archive (see clean-root.ts); not kept in the image.
  aptopts: ['Acquire::Check-Valid-Until "false"', 'Acquire::Check-Date "false"'],
  cmdline: 'net.ifnames=0 biosdevname=0 console=tty0 console=ttyS0,115200n8',
  /** bump when something below changes */
  version: 1,
};

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hafarm-test');
}

export function boxVagrantfile(): string {
  return `# The test host's libvirt settings (hafarm's test:vms): its own pool and an isolated
# management network on which the test serves the machines' packages.
Vagrant.configure('2') do |config|
  config.vm.provider :libvirt do |lv|
    lv.storage_pool_name = '${TEST_POOL.name}'
    lv.management_network_name = '${TEST_MGMT_NETWORK.name}'
    lv.management_network_address = '${TEST_MGMT_NETWORK.cidr}'
    lv.management_network_mode = 'none'
    lv.management_network_keep = true
  end
end
`;
}

const SSH_KEYGEN_UNIT = `[Unit]
Description=SSH host keys of this machine, made at its first boot
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
RequiredBy=ssh.service
`;

const GRUB_SETUP = `#!/bin/sh
# Run once as init= by the box builder's throw-away QEMU boot.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -o remount,rw /
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sys /sys
mountpoint -q /dev || mount -t devtmpfs dev /dev
if grub-install --target=i386-pc /dev/vda && update-grub; then
  echo HAFARM-GRUB-OK
else
  echo HAFARM-GRUB-FAILED
fi
rm -f /hafarm-grub-setup
sync
mount -o remount,ro /
echo o > /proc/sysrq-trigger
sleep 60
`;

function recipeKey(): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        RECIPE,
        key: readFileSync(VAGRANT_PUBLIC_KEY, 'utf8'),
        vf: boxVagrantfile(),
        SSH_KEYGEN_UNIT,
        GRUB_SETUP,
        DISK_GIB,
      }),
    )
    .digest('hex')
    .slice(0, 12);
}

/**
 * A command that must succeed within a time limit (10 minutes unless given; zx kills it then):
 * stdin closed, its output kept and not shown. Resolves with its stdout; else rejects with its exit
 * and what it said.
 */
function must(timeout: Duration = '10m') {
  return async (pieces: TemplateStringsArray, ...values: unknown[]): Promise<string> => {
    const result = await $({ nothrow: true, quiet: true, stdio: ['ignore', 'pipe', 'pipe'], timeout })(
      pieces,
      ...values,
    );
    if (result.exitCode === 0) return result.stdout;
    // The command as the message shows it: the values as given (zx quoted them in the command it ran).
    const command = pieces.reduce((text, piece, i) => `${text}${[values[i - 1]].flat().join(' ')}${piece}`);
    const killed = result.signal ? `, killed by ${result.signal}; its time limit: ${timeout}` : '';
    throw new Error(
      `${command} failed (exit ${result.exitCode}${killed}${result.cause ? `, ${result.cause.message}` : ''}): ${(result.stderr || result.stdout).slice(-3000).trim()}`,
    );
  };
}

/** Shapes the root filesystem as a Vagrant box's. */
async function configureRoot(root: string, uuid: string): Promise<void> {
  writeFileSync(join(root, 'etc/hostname'), 'bookworm\n');
  writeFileSync(
    join(root, 'etc/hosts'),
    '127.0.0.1\tlocalhost\n127.0.1.1\tbookworm\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  );
  writeFileSync(join(root, 'etc/fstab'), `UUID=${uuid} / ext4 errors=remount-ro 0 1\n`);
  writeFileSync(
    join(root, 'etc/network/interfaces'),
    'source /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n',
  );
  // The kernel's names eth0, eth1… as on debian/bookworm64 and in the tutorial.
  writeFileSync(
    join(root, 'etc/default/grub'),
    [
      'GRUB_DEFAULT=0',
      'GRUB_TIMEOUT=0',
      'GRUB_DISTRIBUTOR=Debian',
      'GRUB_CMDLINE_LINUX_DEFAULT=""',
      `GRUB_CMDLINE_LINUX="${RECIPE.cmdline}"`,
      'GRUB_TERMINAL="console serial"',
      'GRUB_SERIAL_COMMAND="serial --speed=115200"',
      'GRUB_DISABLE_OS_PROBER=true',
      '',
    ].join('\n'),
  );
  // The vagrant user: Vagrant's insecure key (Vagrant replaces it with a key of its own at the
  // first `vagrant up`) and sudo without a password.
  await must()`chroot ${root} useradd --create-home --shell /bin/bash vagrant`;
  await must()`chroot ${root} sh -c ${'echo vagrant:vagrant | chpasswd'}`;
  const ssh = join(root, 'home/vagrant/.ssh');
  mkdirSync(ssh, { recursive: true });
  copyFileSync(VAGRANT_PUBLIC_KEY, join(ssh, 'authorized_keys'));
  chmodSync(ssh, 0o700);
  chmodSync(join(ssh, 'authorized_keys'), 0o600);
  await must()`chroot ${root} chown -R vagrant:vagrant /home/vagrant/.ssh`;
  writeFileSync(join(root, 'etc/sudoers.d/vagrant'), 'vagrant ALL=(ALL) NOPASSWD: ALL\n', { mode: 0o440 });
  chmodSync(join(root, 'etc/sudoers.d/vagrant'), 0o440);
  // No host keys in the box: every machine makes its own at first boot.
  for (const file of readdirSync(join(root, 'etc/ssh')))
    if (file.startsWith('ssh_host_')) rmSync(join(root, 'etc/ssh', file));
  writeFileSync(join(root, 'etc/systemd/system/hafarm-ssh-keygen.service'), SSH_KEYGEN_UNIT);
  await must()`chroot ${root} systemctl enable hafarm-ssh-keygen.service`;
  // Every machine its own machine-id (systemd makes it at first boot), as Debian's images do.
  writeFileSync(join(root, 'etc/machine-id'), '');
  rmSync(join(root, 'var/lib/dbus/machine-id'), { force: true });
  // The host's way to reach the archive is not the machine's.
  rmSync(join(root, 'etc/apt/apt.conf.d/99mmdebstrap'), { force: true });
  await must()`chroot ${root} apt-get clean`;
  writeFileSync(join(root, 'hafarm-grub-setup'), GRUB_SETUP, { mode: 0o755 });
}

function newestIn(dir: string, prefix: string): string {
  const names = readdirSync(dir)
    .filter((n) => n.startsWith(prefix))
    .sort();
  if (names.length === 0) throw new Error(`no ${prefix}* in ${dir}`);
  return join(dir, names[names.length - 1]!);
}

/** Boots the image once under QEMU's emulation to install GRUB; resolves with the console output. */
async function installGrub(raw: string, kernel: string, initrd: string, log: (line: string) => void): Promise<string> {
  const append = `root=/dev/vda1 rw init=/hafarm-grub-setup console=ttyS0 ${RECIPE.cmdline.replace(/console=\S+/g, '')}`;
  const qemu = $({
    nothrow: true,
    quiet: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })`qemu-system-x86_64 -machine pc -accel tcg -m 1024 -smp 1 -nographic -no-reboot -nic none -kernel ${kernel} -initrd ${initrd} -append ${append} -drive file=${raw},format=raw,if=virtio`;
  const timer = setTimeout(() => {
    log(`the GRUB boot did not end within 15 min: killing QEMU (PID ${qemu.pid})`);
    qemu.kill('SIGKILL').catch(() => undefined);
  }, 900_000);
  // stdout and stderr in the order they came, as the console showed them.
  const output = (await qemu.finally(() => clearTimeout(timer))).stdall;
  if (!output.includes('HAFARM-GRUB-OK'))
    throw new Error(`GRUB was not installed by the throw-away boot; its console:\n${output.slice(-4000)}`);
  return output;
}

/** The cached box tarball, built when missing (about 3 minutes). */
export async function ensureBoxFile(log: (line: string) => void): Promise<{ file: string; key: string }> {
  const key = recipeKey();
  const dir = join(cacheDir(), `libvirt-box-${key}`);
  const file = join(dir, 'hafarm-test-bookworm64.box');
  if (existsSync(file)) return { file, key };
  for (const old of existsSync(cacheDir()) ? readdirSync(cacheDir()) : [])
    if (old.startsWith('libvirt-box-')) rmSync(join(cacheDir(), old), { recursive: true, force: true });
  const work = join('/var/tmp', `hafarm-test-box-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  let loop: string | undefined;
  try {
    const root = join(work, 'root');
    const start = Date.now();
    log(`building the test box ${TEST_BOX} from Debian's packages (mmdebstrap, cached in ${dir})`);
    await must(
      '20m',
    )`mmdebstrap --mode=root --variant=${RECIPE.variant} --quiet --include=${RECIPE.include.join(',')} ${RECIPE.aptopts.map((o) => `--aptopt=${o}`)} ${RECIPE.suite} ${root} ${RECIPE.mirrors}`;
    const uuid = randomUUID();
    await configureRoot(root, uuid);
    log(`  root filesystem ready (${Math.round((Date.now() - start) / 1000)} s); writing the disk image`);
    const raw = join(work, 'disk.raw');
    await must()`truncate -s ${DISK_GIB}G ${raw}`;
    // One partition from 1 MiB to the end, bootable, on an MBR label (GRUB's i386-pc target).
    const sfdisk = await $({
      nothrow: true,
      quiet: true,
      input: 'label: dos\nstart=2048, type=83, bootable\n',
    })`sfdisk --quiet ${raw}`;
    if (sfdisk.exitCode !== 0) throw new Error(`sfdisk failed: ${sfdisk.stderr}`);
    const offset = 2048 * 512;
    loop = (
      await must()`losetup --find --show --offset ${offset} --sizelimit ${DISK_GIB * 1024 ** 3 - offset} ${raw}`
    ).trim();
    await must('20m')`mkfs.ext4 -q -F -U ${uuid} -L root -d ${root} ${loop}`;
    await must()`losetup -d ${loop}`;
    loop = undefined;
    const kernel = newestIn(join(root, 'boot'), 'vmlinuz-');
    const initrd = newestIn(join(root, 'boot'), 'initrd.img-');
    copyFileSync(kernel, join(work, 'vmlinuz'));
    copyFileSync(initrd, join(work, 'initrd.img'));
    rmSync(root, { recursive: true, force: true });
    log('  installing GRUB with one throw-away QEMU boot (emulated, about a minute)');
    const grubStart = Date.now();
    await installGrub(raw, join(work, 'vmlinuz'), join(work, 'initrd.img'), log);
    log(`  GRUB installed (${Math.round((Date.now() - grubStart) / 1000)} s); converting to qcow2`);
    const box = join(work, 'box');
    mkdirSync(box);
    await must('20m')`qemu-img convert -O qcow2 ${raw} ${join(box, 'box.img')}`;
    rmSync(raw);
    writeFileSync(
      join(box, 'metadata.json'),
      JSON.stringify({ provider: 'libvirt', format: 'qcow2', virtual_size: DISK_GIB }) + '\n',
    );
    writeFileSync(join(box, 'Vagrantfile'), boxVagrantfile());
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.partial`;
    await must('20m')`tar -cf ${partial} -C ${box} metadata.json Vagrantfile box.img`;
    renameSync(partial, file);
    log(
      `  box built in ${Math.round((Date.now() - start) / 1000)} s: ${file} (${Math.round(statSync(file).size / 1024 ** 2)} MiB)`,
    );
    return { file, key };
  } finally {
    if (loop) await $({ nothrow: true, quiet: true })`losetup -d ${loop}`;
    rmSync(work, { recursive: true, force: true });
  }
}

async function vagrantBoxes(): Promise<string[]> {
  return (await must('2m')`vagrant box list --machine-readable`)
    .split('\n')
    .map((l) => l.split(','))
    .filter((f) => f[2] === 'box-name')
    .map((f) => f[3]!);
}

/**
 * Deletes the box's image that vagrant-libvirt uploaded to the test pool (it names the volume
 * after the box), so that the next `vagrant up` uploads it again. Returns the volumes deleted.
 */
export function removeBoxFromPool(): string[] {
  // $.sync: the bench's forgetCache() calls it synchronously. Failures are tolerated, output not shown.
  const virsh = $.sync({ nothrow: true, quiet: true });
  const volumes = virsh`virsh -c qemu:///system -q vol-list ${TEST_POOL.name}`.stdout;
  const box = volumes
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith('hafarm-test-VAGRANTSLASH-bookworm64_vagrant_box_image'));
  for (const volume of box) virsh`virsh -c qemu:///system vol-delete ${volume} --pool ${TEST_POOL.name}`;
  return box;
}

/** The box built (or taken from the cache) and added to Vagrant as TEST_BOX, replacing an older recipe's. */
export async function ensureTestBox(log: (line: string) => void): Promise<void> {
  const { file, key } = await ensureBoxFile(log);
  const record = join(cacheDir(), 'added-to-vagrant');
  const added = existsSync(record) ? readFileSync(record, 'utf8').trim() : '';
  const present = (await vagrantBoxes()).includes(TEST_BOX);
  if (present && added === key) return;
  if (present) {
    log(`removing ${TEST_BOX} of another recipe`);
    await must('5m')`vagrant box remove --force --all ${TEST_BOX}`;
    // Its image uploaded to the test pool goes too.
    removeBoxFromPool();
  }
  log(`vagrant box add ${TEST_BOX} (${file})`);
  await must('20m')`vagrant box add --force --name ${TEST_BOX} ${file}`;
  writeFileSync(record, `${key}\n`);
}
