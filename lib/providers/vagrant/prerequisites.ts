// What the Vagrant providers need on the user's machine, checked before anything is created.
// Portable on purpose: students run this on macOS and Windows, so only the vagrant and
// VBoxManage executables are asked, never a shell or a Linux tool.
import { existsSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import type { MissingPrerequisite } from '../provider.ts';

const TIMEOUT_MS = 60_000;

async function answers(command: string, args: string[]): Promise<string | undefined> {
  const { execa } = await import('execa');
  const result = await execa(command, args, { reject: false, timeout: TIMEOUT_MS, stdin: 'ignore' });
  return result.exitCode === 0 ? result.stdout : undefined;
}

const INSTALL_VAGRANT =
  'Install Vagrant 2.3 or later: macOS `brew install --cask hashicorp/tap/hashicorp-vagrant`, ' +
  'Windows `winget install Hashicorp.Vagrant`, Debian/Ubuntu `apt-get install vagrant`; then open a new terminal.';

/** "Vagrant 2.3.4" → "2.3.4"; undefined when vagrant does not answer. */
async function vagrantVersion(): Promise<string | undefined> {
  return /(\d+\.\d+\.\d+)/.exec((await answers('vagrant', ['--version'])) ?? '')?.[1];
}

/** Whether a dotted version is the same as or later than another. */
function atLeast(version: string, than: string): boolean {
  const [a, b] = [version, than].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((a![i] ?? 0) !== (b![i] ?? 0)) return (a![i] ?? 0) > (b![i] ?? 0);
  return true;
}

const MIN_VAGRANT = '2.3.0';

function vagrantMissing(version: string | undefined): MissingPrerequisite[] {
  if (!version) return [{ what: 'vagrant (not found on PATH)', howToGet: INSTALL_VAGRANT }];
  return atLeast(version, MIN_VAGRANT)
    ? []
    : [{ what: `Vagrant ${MIN_VAGRANT} or later (this is ${version})`, howToGet: INSTALL_VAGRANT }];
}

/**
 * The first Vagrant release whose VirtualBox provider drives each VirtualBox release (Vagrant's
 * CHANGELOG: 2.3.2 added 7.0, 2.4.2 added 7.1, 2.4.9 added 7.2; its driver table in
 * plugins/providers/virtualbox/driver/meta.rb). An older Vagrant refuses the pair at its first
 * command, after hafarm would already have created the state.
 */
export const VAGRANT_FOR_VIRTUALBOX: Record<string, string> = { '7.0': '2.3.2', '7.1': '2.4.2', '7.2': '2.4.9' };

/** Why this Vagrant cannot drive this VirtualBox, or undefined when it can (or hafarm cannot tell). */
export function pairingProblem(vagrant: string, virtualbox: string): string | undefined {
  const minor = /^(\d+\.\d+)/.exec(virtualbox)?.[1];
  const needed = minor ? VAGRANT_FOR_VIRTUALBOX[minor] : undefined;
  if (!needed || atLeast(vagrant, needed)) return undefined;
  return `Vagrant ${vagrant} cannot drive VirtualBox ${minor} (it needs Vagrant ${needed} or later)`;
}

/**
 * Debian's own boxes (debian/bookworm64 and its siblings) are published for amd64 only, and
 * VirtualBox on an arm64 host (Apple Silicon) runs only arm64 guests: that pair fails at `vagrant up`.
 */
export function architectureProblem(box: string, arch: string = process.arch): string | undefined {
  if (arch !== 'arm64' || !/^debian\/[a-z]+64$/.test(box)) return undefined;
  return `VirtualBox on this arm64 host (Apple Silicon) runs only arm64 guests, and the box ${box} is published for amd64 only`;
}

/** VBoxManage is often not on PATH on Windows and macOS; look where VirtualBox installs it. */
export function vboxManageCandidates(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const candidates = ['VBoxManage'];
  const path = platform === 'win32' ? win32 : posix;
  for (const dir of [env.VBOX_MSI_INSTALL_PATH, env.VBOX_INSTALL_PATH]) {
    if (dir) candidates.push(path.join(dir, platform === 'win32' ? 'VBoxManage.exe' : 'VBoxManage'));
  }
  if (platform === 'darwin') candidates.push('/Applications/VirtualBox.app/Contents/MacOS/VBoxManage');
  if (platform === 'win32') candidates.push('C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe');
  return candidates;
}

/** What the VirtualBox provider lacks here to run a lab of this box. */
export async function virtualboxMissing(box: string): Promise<MissingPrerequisite[]> {
  const vagrant = await vagrantVersion();
  const missing = vagrantMissing(vagrant);
  let vboxVersion: string | undefined;
  for (const candidate of vboxManageCandidates()) {
    if (candidate !== 'VBoxManage' && !existsSync(candidate)) continue;
    vboxVersion = (await answers(candidate, ['--version']))?.trim();
    if (vboxVersion) break;
  }
  if (!vboxVersion) {
    missing.push({
      what: 'VirtualBox (VBoxManage does not answer)',
      howToGet:
        'Install VirtualBox 7: macOS `brew install --cask virtualbox`, Windows `winget install Oracle.VirtualBox`, ' +
        "Linux: Oracle's packages (Debian 12 ships none). Without VirtualBox use --provider libvirt.",
    });
  }
  const pairing = vagrant && vboxVersion ? pairingProblem(vagrant, vboxVersion) : undefined;
  if (pairing)
    missing.push({
      what: pairing,
      howToGet: `${INSTALL_VAGRANT} (the current release drives every VirtualBox 7.x up to 7.2), or a VirtualBox that this Vagrant drives.`,
    });
  const arch = architectureProblem(box);
  if (arch) {
    missing.push({
      what: arch,
      howToGet:
        'Set box.name in the lab definition to a Debian 12 box published for arm64 and VirtualBox (Vagrant 2.4 or later picks the architecture that matches), or run the lab on a Linux host (--provider libvirt or netns).',
    });
  }
  return missing;
}

export async function libvirtMissing(): Promise<MissingPrerequisite[]> {
  const missing = vagrantMissing(await vagrantVersion());
  if (missing.length === 0) {
    const plugins = (await answers('vagrant', ['plugin', 'list', '--machine-readable'])) ?? '';
    if (!plugins.includes('vagrant-libvirt')) {
      missing.push({
        what: 'the vagrant-libvirt plugin',
        howToGet:
          'Debian/Ubuntu: `apt-get install vagrant-libvirt`; elsewhere `vagrant plugin install vagrant-libvirt`.',
      });
    }
  }
  if (!(await answers('virsh', ['--connect', 'qemu:///system', 'version']))) {
    missing.push({
      what: 'a usable libvirtd (virsh --connect qemu:///system version failed)',
      howToGet:
        'Debian/Ubuntu: `apt-get install libvirt-daemon-system libvirt-clients qemu-system-x86`, start libvirtd, ' +
        'and add your user to the libvirt group (then log in again).',
    });
  }
  return missing;
}
