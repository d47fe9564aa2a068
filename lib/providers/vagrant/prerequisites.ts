// What the Vagrant providers need on the user's machine, checked before anything is created.
// Portable on purpose: students run this on macOS and Windows, so only the vagrant and
// VBoxManage executables are asked, never a shell or a Linux tool.
import { existsSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { execa } from 'execa';
import type { MissingPrerequisite } from '../provider.ts';

const TIMEOUT_MS = 60_000;

async function answers(command: string, args: string[]): Promise<string | undefined> {
  const result = await execa(command, args, { reject: false, timeout: TIMEOUT_MS, stdin: 'ignore' });
  return result.exitCode === 0 ? result.stdout : undefined;
}

const INSTALL_VAGRANT =
  'Install Vagrant 2.3 or later: macOS `brew install --cask hashicorp/tap/hashicorp-vagrant`, ' +
  'Windows `winget install Hashicorp.Vagrant`, Debian/Ubuntu `apt-get install vagrant`; then open a new terminal.';

async function vagrantMissing(): Promise<MissingPrerequisite[]> {
  return (await answers('vagrant', ['--version'])) ? [] : [{ what: 'vagrant (not found on PATH)', howToGet: INSTALL_VAGRANT }];
}

/** VBoxManage is often not on PATH on Windows and macOS; look where VirtualBox installs it. */
export function vboxManageCandidates(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string[] {
  const candidates = ['VBoxManage'];
  const path = platform === 'win32' ? win32 : posix;
  for (const dir of [env.VBOX_MSI_INSTALL_PATH, env.VBOX_INSTALL_PATH]) {
    if (dir) candidates.push(path.join(dir, platform === 'win32' ? 'VBoxManage.exe' : 'VBoxManage'));
  }
  if (platform === 'darwin') candidates.push('/Applications/VirtualBox.app/Contents/MacOS/VBoxManage');
  if (platform === 'win32') candidates.push('C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe');
  return candidates;
}

export async function virtualboxMissing(): Promise<MissingPrerequisite[]> {
  const missing = await vagrantMissing();
  let found = false;
  for (const candidate of vboxManageCandidates()) {
    if (candidate !== 'VBoxManage' && !existsSync(candidate)) continue;
    if (await answers(candidate, ['--version'])) {
      found = true;
      break;
    }
  }
  if (!found) {
    missing.push({
      what: 'VirtualBox (VBoxManage does not answer)',
      howToGet:
        'Install VirtualBox 7: macOS `brew install --cask virtualbox` (Intel Macs), Windows `winget install Oracle.VirtualBox`, ' +
        'Linux: Oracle\'s packages (Debian 12 ships none). Without VirtualBox use --provider libvirt.',
    });
  }
  return missing;
}

export async function libvirtMissing(): Promise<MissingPrerequisite[]> {
  const missing = await vagrantMissing();
  if (missing.length === 0) {
    const plugins = (await answers('vagrant', ['plugin', 'list', '--machine-readable'])) ?? '';
    if (!plugins.includes('vagrant-libvirt')) {
      missing.push({
        what: 'the vagrant-libvirt plugin',
        howToGet: 'Debian/Ubuntu: `apt-get install vagrant-libvirt`; elsewhere `vagrant plugin install vagrant-libvirt`.',
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
