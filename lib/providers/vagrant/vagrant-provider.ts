// VirtualBox and libvirt through the vagrant CLI. The Vagrantfile lives in the lab's state folder,
// so vagrant's own .vagrant/ bookkeeping stays there and lab:destroy removes it.
import { existsSync } from 'node:fs';
import type { Options } from 'execa';
import type { Lab } from '../../lab/model.ts';
import { LIBVIRT_DRIVER_FIELD } from './libvirt-driver.ts';
import type { LabStateDir } from '../../state/lab-state.ts';
import { UserFacingError } from '../../user-facing-error.ts';
import { findHost } from '../../lab/model.ts';
import {
  LINK_NETWORKS,
  type LabProvider,
  type LinkChange,
  type LinkNetwork,
  type LinkState,
  type MachineEvent,
  type MachineStatus,
  type MissingPrerequisite,
  type ProviderRegistration,
  type SshEndpoint,
} from '../provider.ts';
import {
  libvirtInterfaceOn,
  libvirtLinkArgs,
  libvirtLinkUp,
  virtualboxCableConnected,
  virtualboxLinkArgs,
} from './links.ts';
import { errorExitMessage, parseMachineReadable, parseMachineReadableLine, parseStatus } from './machine-readable.ts';
import { libvirtMissing, vboxManageCandidates, virtualboxMissing } from './prerequisites.ts';
import { parseSshConfig } from './ssh-config.ts';
import { renderVagrantfile, vagrantMachineName, vagrantNetworkName } from './vagrantfile.ts';

export class VagrantCommandFailed extends UserFacingError {
  override name = 'VagrantCommandFailed';
}

/**
 * `vagrant up`'s arguments. vagrant-libvirt boots machines in parallel; under QEMU's emulation
 * (box.libvirt_driver: qemu) five booting at once stalled past 650 s on a 2-core host while one at
 * a time took about 100 s each, so there they boot one after the other.
 */
export function vagrantUpArgs(provider: 'virtualbox' | 'libvirt', lab: Lab, hosts: string[] = []): string[] {
  const oneAtATime = emulated(provider, lab) ? ['--no-parallel'] : [];
  return ['up', '--provider', provider, ...oneAtATime, ...hosts];
}

/** libvirt with box.libvirt_driver: qemu runs the machines under QEMU's software emulation. */
function emulated(provider: 'virtualbox' | 'libvirt', lab: Lab): boolean {
  return provider === 'libvirt' && lab.box.libvirtDriver === 'qemu';
}

export class VagrantProvider implements LabProvider {
  constructor(
    readonly name: 'virtualbox' | 'libvirt',
    private readonly lab: Lab,
    private readonly state: LabStateDir,
  ) {}

  missingPrerequisites(): Promise<MissingPrerequisite[]> {
    return this.name === 'virtualbox' ? virtualboxMissing(this.lab.box.name) : libvirtMissing();
  }

  upNotice(): string | undefined {
    if (!emulated(this.name, this.lab)) return undefined;
    return "the machines run under QEMU's software emulation (box.libvirt_driver: qemu), booted one at a time: minutes per machine";
  }

  private options(): Options {
    return {
      cwd: this.state.dir,
      env: { VAGRANT_CWD: this.state.dir, VAGRANT_DEFAULT_PROVIDER: this.name, VAGRANT_NO_COLOR: '1' },
      stdin: 'ignore',
      reject: false,
    };
  }

  private async vagrant(args: string[]): Promise<string> {
    // Without its own Vagrantfile vagrant searches the folders above and runs the first it finds:
    // another project's Ruby, and its machines. It runs only with the lab's.
    if (!existsSync(this.state.path('Vagrantfile')))
      throw new VagrantCommandFailed(
        `${this.state.dir} has no Vagrantfile, so vagrant ${args[0]} was not run (it would look for another project's in the folders above). Run lab:up to write it again. Nothing was run.`,
      );
    const { execa } = await import('execa');
    const result = await execa('vagrant', [...args, '--machine-readable'], this.options());
    const output = String(result.stdout);
    if (result.exitCode !== 0) {
      const message =
        errorExitMessage(parseMachineReadable(output)) ??
        (String(result.stderr).trim() || `exit code ${result.exitCode}`);
      throw new VagrantCommandFailed(`vagrant ${args.join(' ')} failed: ${message}`);
    }
    return output;
  }

  writeVagrantfile(): void {
    this.state.write('Vagrantfile', renderVagrantfile(this.lab));
  }

  async up(onEvent: (event: MachineEvent) => void): Promise<void> {
    const { execa } = await import('execa');
    this.writeVagrantfile();
    const child = execa('vagrant', [...vagrantUpArgs(this.name, this.lab), '--machine-readable'], {
      ...this.options(),
      lines: false,
      buffer: true,
    });
    const hosts = new Set(this.lab.hosts.map((h) => h.name));
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = parseMachineReadableLine(line);
        if (!parsed || !hosts.has(parsed.target)) continue;
        if (parsed.type === 'ui' && parsed.data[1])
          onEvent({ host: parsed.target, kind: 'progress', text: parsed.data[1].split('\n')[0]! });
        if (parsed.type === 'action' && parsed.data.join(':').startsWith('up:end'))
          onEvent({ host: parsed.target, kind: 'done' });
      }
    });
    const result = await child;
    if (result.exitCode !== 0) {
      const message =
        errorExitMessage(parseMachineReadable(String(result.stdout))) ?? `vagrant up exited with ${result.exitCode}`;
      throw new VagrantCommandFailed(message);
    }
  }

  async powerOff(host: string): Promise<void> {
    await this.vagrant(['halt', '--force', host]);
  }

  async powerOn(host: string): Promise<void> {
    await this.vagrant(vagrantUpArgs(this.name, this.lab, [host]));
  }

  async destroy(): Promise<void> {
    // Destroy what was brought up: the Vagrantfile of that run, even if lab.yaml changed since.
    if (!existsSync(this.state.path('Vagrantfile'))) return;
    await this.vagrant(['destroy', '--force']);
  }

  async status(): Promise<MachineStatus[]> {
    return parseStatus(await this.vagrant(['status']));
  }

  /** A hypervisor command (VBoxManage, virsh) about the lab's machines; its own words on failure. */
  private async hypervisor(program: string, args: string[]): Promise<string> {
    const { execa } = await import('execa');
    const result = await execa(program, args, { reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0)
      throw new VagrantCommandFailed(
        `${program} ${args.join(' ')} failed: ${String(result.stderr || result.stdout).trim() || `exit code ${result.exitCode}`}`,
      );
    return String(result.stdout);
  }

  private vboxManage(): string {
    return vboxManageCandidates().find((c) => c === 'VBoxManage' || existsSync(c)) ?? 'VBoxManage';
  }

  private async running(host: string): Promise<string> {
    const name = findHost(this.lab, host).name;
    if ((await this.status()).find((m) => m.host === name)?.state !== 'running')
      throw new UserFacingError(
        `${name} is not running (npm run lab:start -- ${name}): its links can be changed only while it runs`,
      );
    return vagrantMachineName(this.lab, name);
  }

  private domiflist(domain: string): Promise<string> {
    return this.hypervisor('virsh', ['--connect', 'qemu:///system', 'domiflist', domain]);
  }

  /** The domain's interface on a lab network, in what `virsh domiflist` printed. */
  private libvirtInterface(domain: string, domiflist: string, network: LinkNetwork): string {
    const name = vagrantNetworkName(this.lab, network);
    const iface = libvirtInterfaceOn(domiflist, name);
    if (!iface) throw new UserFacingError(`${domain} has no interface on the libvirt network ${name}`);
    return iface;
  }

  async setLink(host: string, network: LinkNetwork, change: LinkChange): Promise<void> {
    if (network === 'heartbeat' && !findHost(this.lab, host).heartbeat)
      throw new UserFacingError(`${host} is not on the heartbeat network: only the balancers are`);
    const machine = await this.running(host);
    if (this.name === 'virtualbox') {
      const args = virtualboxLinkArgs(machine, network, change);
      if (args) await this.hypervisor(this.vboxManage(), args);
      return;
    }
    const args = libvirtLinkArgs(
      machine,
      this.libvirtInterface(machine, await this.domiflist(machine), network),
      change,
    );
    if (args) await this.hypervisor('virsh', args);
  }

  async links(): Promise<LinkState[]> {
    const running = (await this.status()).filter((m) => m.state === 'running').map((m) => findHost(this.lab, m.host));
    const states: LinkState[] = [];
    for (const host of running) {
      const machine = vagrantMachineName(this.lab, host.name);
      // One read per machine: VirtualBox's settings, or the domain's interfaces.
      const info = await (this.name === 'virtualbox'
        ? this.hypervisor(this.vboxManage(), ['showvminfo', machine, '--machinereadable'])
        : this.domiflist(machine));
      for (const network of LINK_NETWORKS.filter((n) => n === 'lan' || host.heartbeat)) {
        const up =
          this.name === 'virtualbox'
            ? virtualboxCableConnected(info, network)
            : libvirtLinkUp(
                await this.hypervisor('virsh', [
                  '--connect',
                  'qemu:///system',
                  'domif-getlink',
                  machine,
                  this.libvirtInterface(machine, info, network),
                ]),
              );
        states.push({ host: host.name, network, up, lossPercent: 0, delayMs: 0 });
      }
    }
    return states;
  }

  async sshEndpoints(): Promise<Map<string, SshEndpoint>> {
    const { execa } = await import('execa');
    const all = await execa('vagrant', ['ssh-config'], this.options());
    if (all.exitCode === 0) return parseSshConfig(String(all.stdout));
    // vagrant stops at the first machine that is not running (V3, V4 power some off): ask again
    // for the running ones only.
    const running = (await this.status()).filter((m) => m.state === 'running').map((m) => m.host);
    if (running.length === 0) return new Map();
    const some = await execa('vagrant', ['ssh-config', ...running], this.options());
    if (some.exitCode !== 0)
      throw new VagrantCommandFailed(`vagrant ssh-config ${running.join(' ')} failed: ${String(some.stderr).trim()}`);
    return parseSshConfig(String(some.stdout));
  }
}

/** VirtualBox and libvirt share the Vagrantfile, written once by lab:render. */
const vagrantfile = (lab: Lab) => [{ name: 'Vagrantfile', content: renderVagrantfile(lab) }];

/** The Vagrantfile vagrant runs from the state folder, and vagrant's own bookkeeping beside it. */
const VAGRANT_STATE = { Vagrantfile: 'file', '.vagrant': 'folder' } as const;

// Adapter 1 of the Vagrantfile is the hypervisor's own NAT network, which the Vagrantfile leaves at its defaults.
export const virtualboxRegistration: ProviderRegistration = {
  name: 'virtualbox',
  create: (lab, state) => new VagrantProvider('virtualbox', lab, state),
  files: vagrantfile,
  managementNetwork: () => ({
    en: "VirtualBox's NAT, 10.0.2.15 on each machine, SSH forwarded from 127.0.0.1",
    es: 'el NAT de VirtualBox, 10.0.2.15 en cada máquina, SSH reenviado desde 127.0.0.1',
  }),
  stateEntries: VAGRANT_STATE,
  machineTraces: ['.vagrant'],
  upEntries: ['Vagrantfile'],
  reservedRanges: [
    {
      range: { network: '10.0.2.0', prefix: 24 },
      what: "VirtualBox's NAT network (10.0.2.0/24, adapter 1 of every machine)",
    },
  ],
};
export const libvirtRegistration: ProviderRegistration = {
  name: 'libvirt',
  create: (lab, state) => new VagrantProvider('libvirt', lab, state),
  files: vagrantfile,
  managementNetwork: () => ({
    en: "vagrant-libvirt's management network (192.168.121.0/24 by default, DHCP)",
    es: 'la red de gestión de vagrant-libvirt (192.168.121.0/24 por omisión, DHCP)',
  }),
  stateEntries: VAGRANT_STATE,
  machineTraces: ['.vagrant'],
  upEntries: ['Vagrantfile'],
  boxFields: [LIBVIRT_DRIVER_FIELD],
  reservedRanges: [
    {
      range: { network: '192.168.121.0', prefix: 24 },
      what: "vagrant-libvirt's management network (192.168.121.0/24)",
    },
  ],
};
