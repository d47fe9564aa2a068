// The namespace provider: the lab's machines made of Linux namespaces on this host, for hosts
// with no usable hypervisor (Debian 12 has no VirtualBox; CI cannot run KVM guests).
// SSH provisioning and verification run on them unchanged.
import { checkNetnsDefinition } from './definition-rules.ts';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from '../../engine/ssh/shell-quote.ts';
import { formatCidr, highestFreeAddress, type Cidr } from '../../lab/ipv4.ts';
import { findHost, lanAddressesInUse, type Lab } from '../../lab/model.ts';
import { LabStateDir } from '../../state/lab-state.ts';
import { mountsInside } from '../../state/state-folder.ts';
import { nested, readStateJson, requireShape, text, wholeNumber } from '../../state/state-json.ts';
import type { StateFileShape } from '../../state/state-entries.ts';
import { StateDamaged } from '../../state/state-problems.ts';
import { UserFacingError } from '../../user-facing-error.ts';
import {
  LINK_NETWORKS,
  type HostVantage,
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
import { cacheBytes, cacheDir, ensureBaseImage, type BaseImage } from './base-image.ts';
import { changeLink, readLinks, type LinkEnds } from './links.ts';
import { attempt, run } from './host-command.ts';
import { installHostPackages } from './host-packages.ts';
import { CLAIMS_DIR, claimFile, readClaim, releaseClaim, takeOverClaim } from './lab-claim.ts';
import { NetnsMachine } from './machine.ts';
import { chooseMgmtSubnet, routeNetworks } from './mgmt-subnet.ts';
import { netnsNames, type NetnsNames } from './names.ts';
import { judgeOwnership, machineFolders, processesInside, type Ownership } from './ownership.ts';
import { netnsMissing } from './prerequisites.ts';
import {
  ensureBridge,
  ensureNamespace,
  labNamespaces,
  labResources,
  mgmtHostAddress,
  mgmtMachineAddress,
  namespacePids,
  plug,
  removeNamespace,
  stableMac,
  type Plug,
} from './wiring.ts';

interface NetnsState {
  mgmt: Cidr;
  base: BaseImage;
}

const STATE_FILE = 'netns.json';

// The paths go into overlayfs's mount options, where "," and ":" separate options and layers.
const MOUNT_PATH = /^\/[^,:\x00-\x1f\x7f]{1,1000}$/;
const NETNS_STATE_FIELDS = {
  mgmt: nested({
    network: text(/^10\.213\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.0$/, 'a network of 10.213.0.0/16 ending in .0'),
    prefix: wholeNumber(24, 24),
  }),
  base: nested({
    repo: text(MOUNT_PATH, 'an absolute path without "," or ":"'),
    rootfs: text(MOUNT_PATH, 'an absolute path without "," or ":"'),
  }),
};
const NETNS_STATE: StateFileShape = {
  fields: NETNS_STATE_FIELDS,
  remedy:
    "it records the namespace machines' management subnet and base image. Run lab:destroy (it finds the lab's machines by their names without this file), then lab:up",
};

export class MachinesFailed extends UserFacingError {
  override name = 'MachinesFailed';
}

/** The lab's name is another state folder's on this host: nothing of that lab may be made or removed from here. */
export class LabNameTaken extends UserFacingError {
  override name = 'LabNameTaken';
}

/** The client of the checks sits on the LAN at its highest free address. */
export function clientAddress(lab: Lab): string {
  const address = highestFreeAddress(lab.networks.lan.cidr, lanAddressesInUse(lab));
  if (!address) throw new Error(`no free address on the LAN ${formatCidr(lab.networks.lan.cidr)} for the client`);
  return address;
}

export class NetnsProvider implements LabProvider {
  readonly name = 'netns' as const;
  readonly names: NetnsNames;

  /** `claims`: where the claims on lab names are (lab-claim.ts); the host's own but in tests */
  constructor(
    private readonly lab: Lab,
    private readonly state: LabStateDir,
    private readonly claims = CLAIMS_DIR,
  ) {
    this.names = netnsNames(lab);
  }

  /**
   * The host's programs; and the lab's name, before anything is made: LabNameTaken (one line,
   * naming the other state folder) when a lab of that name is up from another folder, which no
   * package or other provider on this host would change.
   */
  async missingPrerequisites(): Promise<MissingPrerequisite[]> {
    const missing = await netnsMissing();
    // Without them (ip, root) the name's namespaces cannot be read: the name is checked once they are there.
    if (missing.length > 0) return missing;
    const owner = await this.ownership();
    if (owner.kind === 'other') throw this.nameTaken(owner.state);
    return missing;
  }

  private nameTaken(otherState: string): LabNameTaken {
    return new LabNameTaken(
      `a lab named "${this.lab.name}" is already up on this host from state folder ${otherState}; destroy it there (npm run lab:destroy -- --state ${quote(otherState)}) or give this lab another name (name: in ${this.lab.file}). Nothing was changed.`,
    );
  }

  /** Whether a state folder holds a lab of this name made with this provider: its record says so, or (the record lost) its machines' file. */
  private holdsThisLab(folder: string): boolean {
    try {
      const record = new LabStateDir(folder, this.state.layout).read();
      if (record) return record.lab === this.lab.name && record.provider === this.name;
    } catch {
      // a damaged record, or no folder hafarm keeps: its machines' file says
    }
    return existsSync(join(folder, STATE_FILE));
  }

  /** Whose the lab's name is on this host: the claim's folder, else a folder whose machines run under the name. */
  private async ownership(): Promise<Ownership> {
    return judgeOwnership({
      state: this.state.dir,
      claim: readClaim(this.lab.name, this.claims),
      holds: (folder) => this.holdsThisLab(folder),
      running: async () => {
        const pids: number[] = [];
        for (const namespace of await labNamespaces(this.names)) pids.push(...(await namespacePids(namespace)));
        return machineFolders(pids);
      },
    });
  }

  /**
   * The lab's name claimed for this state folder, before anything of the lab is made or removed:
   * LabNameTaken when another folder's lab holds it. A claim naming a folder that no longer holds
   * the lab is taken over, saying so.
   */
  private async takeName(): Promise<void> {
    for (let tries = 0; tries < 3; tries++) {
      const owner = await this.ownership();
      if (owner.kind === 'mine') return;
      if (owner.kind === 'other') throw this.nameTaken(owner.state);
      if (takeOverClaim(this.lab.name, this.state.dir, owner.judged, this.claims)) {
        this.sayTakenOver(owner);
        return;
      }
    }
    throw new LabNameTaken(
      `the claim on the lab name "${this.lab.name}" (${claimFile(this.lab.name, this.claims)}) keeps changing: another command is bringing a lab of that name up; run this again once it is done`,
    );
  }

  private sayTakenOver(owner: Extract<Ownership, { kind: 'free' }>): void {
    const what = owner.stale
      ? `state folder ${owner.stale}, which no longer holds it`
      : owner.judged
        ? `a file hafarm cannot read (${claimFile(this.lab.name, this.claims)})`
        : undefined;
    if (what)
      console.log(
        `lab "${this.lab.name}": its name on this host was claimed by ${what}; taken over for ${this.state.dir}`,
      );
  }

  prepareHost(say: (line: string) => void): Promise<void> {
    return installHostPackages(say);
  }

  private get keyFile(): string {
    return this.state.path('ssh', 'id_ed25519');
  }

  /** netns.json, checked: its subnet becomes addresses and its paths mount options. */
  private readState(): NetnsState | undefined {
    const file = this.state.path(STATE_FILE);
    const value = readStateJson(file, NETNS_STATE.remedy);
    return value === undefined
      ? undefined
      : requireShape<NetnsState>(file, value, NETNS_STATE.fields, NETNS_STATE.remedy);
  }

  private readSoundState(): NetnsState | undefined {
    try {
      return this.readState();
    } catch (error) {
      if (error instanceof StateDamaged) return undefined;
      throw error;
    }
  }

  private async prepare(progress: (text: string) => void): Promise<NetnsState> {
    const existing = this.readState();
    const base = await ensureBaseImage(progress);
    let mgmt = existing?.mgmt;
    if (!mgmt) {
      const routes = routeNetworks(await run('ip', ['-j', 'route', 'show', 'table', 'all']));
      mgmt = chooseMgmtSubnet(this.lab, routes);
    }
    const state: NetnsState = { mgmt, base };
    writeFileSync(this.state.path(STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
    if (!existsSync(this.keyFile)) {
      mkdirSync(this.state.path('ssh'), { recursive: true, mode: 0o700 });
      await run('ssh-keygen', [
        '-q',
        '-t',
        'ed25519',
        '-N',
        '',
        '-C',
        `hafarm lab ${this.lab.name}`,
        '-f',
        this.keyFile,
      ]);
    }
    return state;
  }

  private machine(hostName: string, state: NetnsState): NetnsMachine {
    const host = findHost(this.lab, hostName);
    const index = this.lab.hosts.indexOf(host);
    const { lan, heartbeat } = this.lab.networks;
    const plugOf = (
      n: number,
      network: 'mgmt' | 'lan' | 'heartbeat',
      inside: string,
      address: string,
      cidr: Cidr,
    ): Plug => ({
      hostEnd: this.names.veth(index, n),
      bridge: this.names.bridge(network),
      inside,
      address,
      cidr,
      mac: stableMac(this.lab.name, host.name, inside),
    });
    const plugs = [
      plugOf(0, 'mgmt', 'eth0', mgmtMachineAddress(state.mgmt, index), state.mgmt),
      plugOf(1, 'lan', lan.interface, host.lan, lan.cidr),
    ];
    if (host.heartbeat) plugs.push(plugOf(2, 'heartbeat', heartbeat.interface, host.heartbeat, heartbeat.cidr));
    return new NetnsMachine({
      host: host.name,
      namespace: this.names.namespace(host.name),
      dir: this.state.path('machines', host.name),
      base: state.base.rootfs,
      repo: state.base.repo,
      plugs,
      sshAddress: mgmtMachineAddress(state.mgmt, index),
      authorizedKey: existsSync(`${this.keyFile}.pub`) ? readFileSync(`${this.keyFile}.pub`, 'utf8') : '',
    });
  }

  private requireState(): NetnsState {
    const state = this.readState();
    if (!state)
      throw new UserFacingError(
        `lab "${this.lab.name}" has no namespace machines yet (no ${STATE_FILE} in ${this.state.dir}); run lab:up`,
      );
    return state;
  }

  private async ensureNetworks(state: NetnsState): Promise<void> {
    await ensureBridge(this.names.bridge('lan'));
    await ensureBridge(this.names.bridge('heartbeat'));
    await ensureBridge(this.names.bridge('mgmt'), { address: mgmtHostAddress(state.mgmt), prefix: state.mgmt.prefix });
  }

  private async ensureClient(): Promise<void> {
    const ns = this.names.clientNamespace;
    await ensureNamespace(ns);
    const shown = await run('ip', ['-n', ns, '-o', 'link', 'show']);
    if (!shown.includes(` ${this.lab.networks.lan.interface}@`)) {
      const inside = this.lab.networks.lan.interface;
      await plug(ns, {
        hostEnd: this.names.clientVeth,
        bridge: this.names.bridge('lan'),
        inside,
        address: clientAddress(this.lab),
        cidr: this.lab.networks.lan.cidr,
        mac: stableMac(this.lab.name, 'client', inside),
      });
    }
  }

  async up(onEvent: (event: MachineEvent) => void): Promise<void> {
    await this.takeName();
    const first = this.lab.hosts[0]!.name;
    const state = await this.prepare((text) => onEvent({ host: first, kind: 'progress', text }));
    await this.ensureNetworks(state);
    await this.ensureClient();
    const results = await Promise.allSettled(
      this.lab.hosts.map(async (host) => {
        try {
          const machine = this.machine(host.name, state);
          onEvent({ host: host.name, kind: 'progress', text: machine.isRunning() ? 'already running' : 'booting' });
          await machine.powerOn();
          await machine.waitForSsh();
          onEvent({ host: host.name, kind: 'done' });
        } catch (error) {
          onEvent({ host: host.name, kind: 'failed', text: (error as Error).message });
          throw error;
        }
      }),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failures.length > 0) throw new MachinesFailed(failures.join('\n'));
  }

  async powerOff(host: string): Promise<void> {
    const state = this.requireState();
    await this.takeName();
    await this.machine(host, state).powerOff();
  }

  async powerOn(host: string): Promise<void> {
    const state = this.requireState();
    await this.takeName();
    await this.ensureNetworks(state);
    const machine = this.machine(host, state);
    await machine.powerOn();
    await machine.waitForSsh();
  }

  /**
   * Everything named after the lab when its name is this folder's: claimed by it, or claimed by
   * nobody (or by a folder that no longer holds the lab) while this folder holds the lab. Else,
   * when the name is another folder's or nothing shows it is this one's, only what this folder's
   * own machines left: processes rooted in it, its mounts, its machines' disks.
   */
  async destroy(): Promise<void> {
    let owner = await this.ownership();
    const whole =
      owner.kind === 'mine' ||
      (owner.kind === 'free' && (owner.stale !== undefined || this.holdsThisLab(this.state.dir)));
    if (owner.kind === 'free' && whole) {
      if (!takeOverClaim(this.lab.name, this.state.dir, owner.judged, this.claims)) {
        owner = await this.ownership();
        if (owner.kind === 'free')
          throw new LabNameTaken(
            `the claim on the lab name "${this.lab.name}" changed while lab:destroy read it: run it again`,
          );
      } else this.sayTakenOver(owner);
    }
    if (owner.kind === 'other') {
      console.log(
        `lab "${this.lab.name}": the namespaces, bridges and machines of that name on this host are state folder ${owner.state}'s, where a lab of that name is up: left them alone (to destroy that lab: npm run lab:destroy -- --state ${quote(owner.state)})`,
      );
    }
    if (!whole || owner.kind === 'other') return this.removeOwnTraces();
    // Without a sound netns.json the machines are still found by the lab's prefix, below.
    const state = this.readSoundState();
    if (state) for (const host of this.lab.hosts) await this.machine(host.name, state).remove();
    // Whatever a crash or an interrupted run left, found by the lab's prefix.
    for (const ns of await labNamespaces(this.names)) await removeNamespace(ns);
    for (const link of (await labResources(this.names)).links) await attempt('ip', ['link', 'del', link]);
    await this.removeOwnTraces();
    releaseClaim(this.lab.name, this.state.dir, this.claims);
  }

  /** What this folder's own machines left, found by the folder itself: their processes, their mounts, their disks. */
  private async removeOwnTraces(): Promise<void> {
    const pids = processesInside(this.state.dir);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (existsSync(this.state.dir))
      for (const target of mountsInside(this.state.dir).reverse()) await attempt('umount', ['-l', target]);
    rmSync(this.state.path('machines'), { recursive: true, force: true });
  }

  /** The base images: shared with the host's other labs, so kept; said so that their space is not a surprise. */
  keptAfterDestroy(): string | undefined {
    const cached = cacheBytes();
    if (cached === 0) return undefined;
    return `the base images in ${cacheDir()} (${Math.round(cached / 2 ** 20)} MiB), shared by every netns lab of this host; delete that folder once none is left`;
  }

  async status(): Promise<MachineStatus[]> {
    const state = this.readState();
    return this.lab.hosts.map((host) => {
      if (!state) return { host: host.name, state: 'not_created', detail: 'not created' };
      const machine = this.machine(host.name, state);
      if (machine.isRunning())
        return {
          host: host.name,
          state: 'running',
          detail: `pid ${machine.pid1()}, ssh ${mgmtMachineAddress(state.mgmt, this.lab.hosts.indexOf(host))}`,
        };
      return machine.exists()
        ? { host: host.name, state: 'poweroff', detail: 'powered off' }
        : { host: host.name, state: 'not_created', detail: 'not created' };
    });
  }

  async sshEndpoints(): Promise<Map<string, SshEndpoint>> {
    const state = this.requireState();
    const endpoints = new Map<string, SshEndpoint>();
    this.lab.hosts.forEach((host, index) => {
      if (this.machine(host.name, state).isRunning()) {
        endpoints.set(host.name, {
          host: host.name,
          address: mgmtMachineAddress(state.mgmt, index),
          port: 22,
          user: 'root',
          privateKeyFile: this.keyFile,
        });
      }
    });
    return endpoints;
  }

  /** A running machine's link to a network: the veth's host end and the interface inside (the plugs of machine()). */
  private linkEnds(hostName: string, network: LinkNetwork): LinkEnds {
    const host = findHost(this.lab, hostName);
    if (network === 'heartbeat' && !host.heartbeat)
      throw new UserFacingError(`${host.name} is not on the heartbeat network: only the balancers are`);
    if (!this.machine(host.name, this.requireState()).isRunning())
      throw new UserFacingError(
        `${host.name} is not running (npm run lab:start -- ${host.name}): its links exist only while it runs`,
      );
    return {
      host: host.name,
      network,
      hostEnd: this.names.veth(this.lab.hosts.indexOf(host), network === 'lan' ? 1 : 2),
      namespace: this.names.namespace(host.name),
      inside: this.lab.networks[network].interface,
    };
  }

  async setLink(host: string, network: LinkNetwork, change: LinkChange): Promise<void> {
    await changeLink(this.linkEnds(host, network), change);
  }

  async links(): Promise<LinkState[]> {
    const state = this.readState();
    if (!state) return [];
    const running = this.lab.hosts.filter((h) => this.machine(h.name, state).isRunning());
    const ends = running.flatMap((h) =>
      LINK_NETWORKS.filter((n) => n === 'lan' || h.heartbeat).map((n) => this.linkEnds(h.name, n)),
    );
    return readLinks(ends);
  }

  /** Runs a command in the client namespace on the LAN (checks, captures). */
  clientNamespace(): string {
    return this.names.clientNamespace;
  }

  /** The client namespace on the LAN bridge, and the bridges themselves for tcpdump. */
  hostVantage(): HostVantage {
    return { clientNamespace: this.clientNamespace(), captureInterface: (network) => this.names.bridge(network) };
  }
}

export const netnsRegistration: ProviderRegistration = {
  name: 'netns',
  create: (lab, state) => new NetnsProvider(lab, state),
  // The subnet is picked at lab:up (chooseMgmtSubnet): only its range is known from the definition.
  managementNetwork: (lab) => ({
    en: `bridge ${netnsNames(lab).bridge('mgmt')}, a free 10.213.x.0/24 picked at lab:up`,
    es: `puente ${netnsNames(lab).bridge('mgmt')}, una 10.213.x.0/24 libre elegida en lab:up`,
  }),
  // netns.json: the management subnet and base image; machines/: each machine's disk, console log and PID
  stateEntries: { 'netns.json': 'file', machines: 'folder' },
  machineTraces: ['netns.json', 'machines'],
  // A record without netns.json names machines nobody can reach: the state check says so first.
  upEntries: ['netns.json'],
  upEntryShapes: { [STATE_FILE]: NETNS_STATE },
  checkLab: checkNetnsDefinition,
};
