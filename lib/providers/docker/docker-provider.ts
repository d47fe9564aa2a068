// The Docker provider: each machine a container of the lab's image, with only the capabilities
// the farm needs (NET_ADMIN, NET_RAW: addresses, the VIP, gratuitous ARP, captures) and not
// --privileged; the LAN and the heartbeat network as internal Docker networks with the
// definition's subnets; a management network whose only use is each machine's sshd, published on
// 127.0.0.1 (Docker Desktop routes nothing else from the host into its VM), so that hafarm never
// needs a route into the lab. Power off is `docker kill` (SIGKILL to PID 1: the kernel ends every
// process of the container at once); power on is `docker start`, with the same disk.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { sshGreets } from '../ssh-greeting.ts';
import { writeOwnFile } from '../../files/own-file.ts';
import { findHost, isBalancer, type Lab } from '../../lab/model.ts';
import { formatCidr } from '../../lab/ipv4.ts';
import { packagePath } from '../../package-root.ts';
import type { LabStateDir } from '../../state/lab-state.ts';
import { readStateJson, requireShape, text } from '../../state/state-json.ts';
import type { StateFileShape } from '../../state/state-entries.ts';
import { UserFacingError } from '../../user-facing-error.ts';
import {
  LINK_NETWORKS,
  type LabProvider,
  type LanClientPlace,
  type LinkChange,
  type LinkNetwork,
  type LinkState,
  type MachineEvent,
  type MachineStatus,
  type MissingPrerequisite,
  type ProviderRegistration,
  type SshEndpoint,
} from '../provider.ts';
import { docker, DockerCommandFailed, dockerOutcome, dockerProgram } from './docker-cli.ts';
import { changeLink, readLinks } from './links.ts';
import { ensureDockerImage, imageBytes, type DockerImage } from './image.ts';
import {
  bridgeAddress,
  clientAddress,
  dockerNames,
  LAB_LABEL,
  STATE_LABEL,
  type DockerNames,
  type DockerNetwork,
} from './names.ts';
import { dockerMissing } from './prerequisites.ts';
import { requireFreeSubnets } from './subnets-taken.ts';

const STATE_FILE = 'docker.json';

const DOCKER_STATE_FIELDS = {
  image: text(
    /^hafarm\/[a-z0-9-]+:[0-9a-f]{16}$/,
    'a hafarm image reference, e.g. hafarm/bookworm-root:0123456789abcdef',
  ),
  repo: text(/^\/[^,:\x00-\x1f\x7f]{1,1000}$/, 'an absolute path without "," or ":"'),
};
const DOCKER_STATE: StateFileShape = {
  fields: DOCKER_STATE_FIELDS,
  optional: ['repo'],
  remedy:
    "it records the Docker machines' image. Run lab:destroy (it finds the lab's containers and networks by their labels without this file), then lab:up",
};

/** The container's own facts, as `docker inspect` gives them. */
interface Inspected {
  Name: string;
  State: { Running: boolean; Status: string; Pid: number };
  Config: { Labels: Record<string, string> | null };
  NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null };
}

export class DockerMachinesFailed extends UserFacingError {
  override name = 'DockerMachinesFailed';
}

/** Another state folder's lab of this name is on the daemon: nothing of it may be made or removed from here. */
export class DockerLabNameTaken extends UserFacingError {
  override name = 'DockerLabNameTaken';
}

const INIT_SCRIPT = 'lib/providers/docker/templates/docker-init.sh';

/** A TCP port of 127.0.0.1 that nothing listens on now, as the kernel picks one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class DockerProvider implements LabProvider {
  readonly name = 'docker' as const;
  readonly names: DockerNames;
  /** the image the destroyed lab ran, said as kept after lab:destroy (docker.json is gone by then) */
  private keptImage: string | undefined;

  constructor(
    private readonly lab: Lab,
    private readonly state: LabStateDir,
  ) {
    this.names = dockerNames(lab);
  }

  async missingPrerequisites(): Promise<MissingPrerequisite[]> {
    const missing = await dockerMissing();
    if (missing.length > 0) return missing;
    const other = await this.otherStateFolder();
    if (other) throw this.nameTaken(other);
    return [];
  }

  private nameTaken(other: string): DockerLabNameTaken {
    return new DockerLabNameTaken(
      `a lab named "${this.lab.name}" is already on this Docker daemon, made from state folder ${other}; destroy it there (npm run lab:destroy -- --state ${JSON.stringify(other)}) or give this lab another name (name: in ${this.lab.file}). Nothing was changed.`,
    );
  }

  /** The state folder another lab of this name was made from, when its containers or networks are on the daemon. */
  private async otherStateFolder(): Promise<string | undefined> {
    const folders = new Set<string>();
    for (const kind of ['container', 'network'] as const) {
      const listed = await docker([
        kind === 'container' ? 'ps' : 'network',
        ...(kind === 'container' ? ['-a'] : ['ls']),
        '--filter',
        `label=${LAB_LABEL}=${this.lab.name}`,
        '--format',
        `{{.Label "${STATE_LABEL}"}}`,
      ]);
      for (const line of listed.split('\n')) if (line.trim()) folders.add(line.trim());
    }
    folders.delete(this.state.dir);
    return [...folders][0];
  }

  private get keyFile(): string {
    return this.state.path('ssh', 'id_ed25519');
  }

  private readState(): DockerImage | undefined {
    const file = this.state.path(STATE_FILE);
    const value = readStateJson(file, DOCKER_STATE.remedy);
    return value === undefined
      ? undefined
      : requireShape<DockerImage>(file, value, DOCKER_STATE.fields, DOCKER_STATE.remedy, DOCKER_STATE.optional);
  }

  private requireState(): DockerImage {
    const state = this.readState();
    if (!state)
      throw new UserFacingError(
        `lab "${this.lab.name}" has no Docker machines yet (no ${STATE_FILE} in ${this.state.dir}); run lab:up`,
      );
    return state;
  }

  private async prepare(progress: (text: string) => void): Promise<DockerImage> {
    const image = await ensureDockerImage(progress);
    this.state.write(STATE_FILE, `${JSON.stringify(image, null, 2)}\n`);
    if (!existsSync(this.keyFile)) {
      // ssh2 is CommonJS: its utils are on the default export where the loader finds no named one.
      const ssh2 = await import('ssh2');
      const utils = ssh2.utils ?? (ssh2 as unknown as { default: typeof ssh2 }).default.utils;
      const pair = utils.generateKeyPairSync('ed25519', { comment: `hafarm lab ${this.lab.name}` });
      mkdirSync(this.state.path('ssh'), { recursive: true, mode: 0o700 });
      writeOwnFile(`${this.keyFile}.pub`, `${pair.public}\n`, 0o644);
      writeOwnFile(this.keyFile, pair.private.endsWith('\n') ? pair.private : `${pair.private}\n`, 0o600);
    }
    return image;
  }

  /**
   * `container create`'s start: the name, the host name, the lab's labels, and only the
   * capabilities the farm needs beyond Docker's defaults (addresses, the VIP, gratuitous ARP,
   * ARP entries flushed, captures, link faults), never --privileged.
   */
  private createArgs(name: string, hostname: string): string[] {
    return [
      'container',
      'create',
      '--name',
      name,
      '--hostname',
      hostname,
      ...this.labels(),
      '--cap-add',
      'NET_ADMIN',
      '--cap-add',
      'NET_RAW',
    ];
  }

  private labels(): string[] {
    return ['--label', `${LAB_LABEL}=${this.lab.name}`, '--label', `${STATE_LABEL}=${this.state.dir}`];
  }

  /** The lab's networks, made where missing; one of that name that is not this folder's is refused. */
  private async ensureNetworks(): Promise<void> {
    const existing = await this.networksByName();
    for (const network of ['lan', 'heartbeat', 'mgmt'] as const) {
      const name = this.names.network(network);
      const found = existing.get(name);
      if (found !== undefined) {
        if (found !== this.state.dir)
          throw new DockerLabNameTaken(
            `the Docker network ${name} is not this lab's (${found ? `state folder ${found}` : 'hafarm did not make it'}); remove it, or give this lab another name. Nothing was changed.`,
          );
        continue;
      }
      await docker(['network', 'create', ...(await this.networkOptions(network)), ...this.labels(), name]);
    }
  }

  private async networkOptions(network: DockerNetwork): Promise<string[]> {
    if (network === 'mgmt') return ['--driver', 'bridge'];
    const cidr = this.lab.networks[network].cidr;
    return [
      '--driver',
      'bridge',
      '--internal',
      '--subnet',
      formatCidr(cidr),
      '--gateway',
      bridgeAddress(this.lab, network),
      // The bridge takes no address on the host: the lab's subnets may be the host's own LAN's.
      '--opt',
      'com.docker.network.bridge.inhibit_ipv4=true',
    ];
  }

  /** The networks named with the lab's prefix, each with the state folder its label names ('' when none). */
  private async networksByName(): Promise<Map<string, string>> {
    const listed = await docker([
      'network',
      'ls',
      '--filter',
      `name=${this.names.prefix}`,
      '--format',
      `{{.Name}}\t{{.Label "${STATE_LABEL}"}}`,
    ]);
    const found = new Map<string, string>();
    for (const line of listed.split('\n')) {
      const [name, folder] = line.split('\t');
      if (name?.startsWith(this.names.prefix)) found.set(name, folder ?? '');
    }
    return found;
  }

  private async inspect(hosts: readonly string[]): Promise<Map<string, Inspected>> {
    const names = hosts.map((h) => this.names.container(h));
    const result = await dockerOutcome(['container', 'inspect', ...names]);
    // inspect prints what it found and fails for the rest: what it found still counts.
    let list: Inspected[];
    try {
      list = JSON.parse(result.stdout || '[]') as Inspected[];
    } catch {
      list = [];
    }
    const byHost = new Map<string, Inspected>();
    for (const item of list) {
      const host = hosts.find((h) => `/${this.names.container(h)}` === item.Name);
      if (host && item.Config.Labels?.[STATE_LABEL] === this.state.dir) byHost.set(host, item);
    }
    return byHost;
  }

  private initScript(): string {
    return readFileSync(packagePath(INIT_SCRIPT), 'utf8');
  }

  private async create(hostName: string, image: DockerImage): Promise<void> {
    const host = findHost(this.lab, hostName);
    const { lan, heartbeat } = this.lab.networks;
    const interfaces = [`${lan.interface}=${host.lan}`];
    if (host.heartbeat) interfaces.push(`${heartbeat.interface}=${host.heartbeat}`);
    const name = this.names.container(host.name);
    await docker([
      ...this.createArgs(name, host.name),
      // HAProxy on the backup binds the VIP it does not hold (T8); /proc/sys is read-only inside.
      ...(isBalancer(host) ? ['--sysctl', 'net.ipv4.ip_nonlocal_bind=1'] : []),
      '--network',
      this.names.network('mgmt'),
      // A port of its own, kept across restarts (an empty one would be picked anew at each start,
      // and an ssh-config written before a lab:halt would point nowhere after it).
      '--publish',
      `127.0.0.1:${await freePort()}:22`,
      // A fresh /run and /tmp at every start, as a boot gives and as the namespace machines have:
      // a PID file left by a pulled plug would name another process after it (keepalived, seeing
      // its PID file's number alive, would not start).
      '--tmpfs',
      '/run:mode=755,size=64m',
      '--tmpfs',
      '/tmp:mode=1777,size=256m',
      // The host's package repository, where the image does not hold its own.
      ...(image.repo ? ['--mount', `type=bind,source=${image.repo},target=/hafarm-repo,readonly`] : []),
      '--env',
      `HAFARM_INTERFACES=${interfaces.join(' ')}`,
      '--env',
      `HAFARM_AUTHORIZED_KEY=${readFileSync(`${this.keyFile}.pub`, 'utf8').trim()}`,
      '--stop-signal',
      'SIGKILL',
      image.image,
      '/usr/bin/tini',
      '--',
      '/bin/sh',
      '-c',
      this.initScript(),
      'hafarm-docker-init',
    ]);
    await docker(['network', 'connect', '--ip', host.lan, this.names.network('lan'), name]);
    if (host.heartbeat)
      await docker(['network', 'connect', '--ip', host.heartbeat, this.names.network('heartbeat'), name]);
  }

  private async sshPort(hostName: string): Promise<number | undefined> {
    const inspected = (await this.inspect([hostName])).get(hostName);
    const port = inspected?.NetworkSettings.Ports?.['22/tcp']?.find((p) => p.HostIp === '127.0.0.1')?.HostPort;
    return port ? Number(port) : undefined;
  }

  private async waitForSsh(hostName: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const port = await this.sshPort(hostName);
      // docker-proxy accepts a connection before sshd listens: only sshd's banner counts.
      const banner = port !== undefined && (await sshGreets('127.0.0.1', port, 1000));
      if (banner) return;
      const inspected = (await this.inspect([hostName])).get(hostName);
      if (!inspected?.State.Running) {
        const logs = await dockerOutcome(['container', 'logs', '--tail', '20', this.names.container(hostName)]);
        throw new Error(
          `${hostName}: the container stopped while starting: ${(logs.stdout + logs.stderr).trim() || inspected?.State.Status || 'gone'}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${hostName}: sshd did not answer on its published port within ${timeoutMs / 1000} s`);
  }

  async up(onEvent: (event: MachineEvent) => void): Promise<void> {
    const other = await this.otherStateFolder();
    if (other) throw this.nameTaken(other);
    await requireFreeSubnets(this.lab, this.state.dir);
    const first = this.lab.hosts[0]!.name;
    const image = await this.prepare((text) => onEvent({ host: first, kind: 'progress', text }));
    await this.ensureNetworks();
    await this.ensureClient(image);
    const existing = await this.inspect(this.lab.hosts.map((h) => h.name));
    const results = await Promise.allSettled(
      this.lab.hosts.map(async (host) => {
        try {
          const found = existing.get(host.name);
          if (!found) {
            onEvent({ host: host.name, kind: 'progress', text: 'creating' });
            await this.create(host.name, image);
          }
          if (!found?.State.Running) {
            onEvent({ host: host.name, kind: 'progress', text: 'starting' });
            await docker(['container', 'start', this.names.container(host.name)]);
          } else onEvent({ host: host.name, kind: 'progress', text: 'already running' });
          await this.waitForSsh(host.name);
          onEvent({ host: host.name, kind: 'done' });
        } catch (error) {
          onEvent({ host: host.name, kind: 'failed', text: (error as Error).message });
          throw error;
        }
      }),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failures.length > 0) throw new DockerMachinesFailed(failures.join('\n'));
  }

  /**
   * The client on the LAN that lab:verify's requests come from, as the tutorial's browser on the
   * host did: a container of the lab's image with no sshd and no service, never powered off by a
   * check, so that every web server can be one the checks power off.
   */
  private async ensureClient(image: DockerImage): Promise<void> {
    const name = this.names.client;
    const found = await dockerOutcome([
      'container',
      'inspect',
      '--format',
      `{{.State.Running}}\t{{index .Config.Labels "${STATE_LABEL}"}}`,
      name,
    ]);
    if (found.exitCode === 0) {
      const [running, folder] = found.stdout.trim().split('\t');
      if (folder !== this.state.dir)
        throw new DockerLabNameTaken(
          `the Docker container ${name} is not this lab's (${folder ? `state folder ${folder}` : 'hafarm did not make it'}); remove it, or give this lab another name. Nothing was changed.`,
        );
      if (running !== 'true') await docker(['container', 'start', name]);
      return;
    }
    await docker([
      ...this.createArgs(name, 'client'),
      '--network',
      this.names.network('lan'),
      '--ip',
      clientAddress(this.lab),
      '--stop-signal',
      'SIGKILL',
      image.image,
      '/usr/bin/tini',
      '--',
      'sleep',
      'infinity',
    ]);
    await docker(['container', 'start', name]);
  }

  /** lab:verify's client: commands run in the client container with docker exec. */
  lanClient(): LanClientPlace {
    const name = this.names.client;
    return {
      describe: { en: `the client container ${name}`, es: `el contenedor cliente ${name}` },
      command: (argv) => [dockerProgram(), 'exec', '-i', name, ...argv],
    };
  }

  private async requireMachine(hostName: string): Promise<Inspected> {
    this.requireState();
    const found = (await this.inspect([hostName])).get(hostName);
    if (!found)
      throw new UserFacingError(
        `${hostName} has no container (${this.names.container(hostName)}) of this lab on the Docker daemon; run lab:up`,
      );
    return found;
  }

  async powerOff(host: string): Promise<void> {
    const found = await this.requireMachine(host);
    if (found.State.Running) await docker(['container', 'kill', '--signal', 'SIGKILL', this.names.container(host)]);
  }

  async powerOn(host: string): Promise<void> {
    const found = await this.requireMachine(host);
    if (!found.State.Running) await docker(['container', 'start', this.names.container(host)]);
    await this.waitForSsh(host);
  }

  /**
   * The containers and networks labelled with this lab's name and this state folder; another
   * folder's lab of the same name is left alone, and said so.
   */
  async destroy(): Promise<void> {
    this.keptImage = this.readStateQuietly()?.image;
    const mine = [
      '--filter',
      `label=${LAB_LABEL}=${this.lab.name}`,
      '--filter',
      `label=${STATE_LABEL}=${this.state.dir}`,
    ];
    const containers = (await docker(['container', 'ls', '-a', '-q', ...mine])).split('\n').filter(Boolean);
    if (containers.length > 0) await docker(['container', 'rm', '--force', '--volumes', ...containers]);
    const networks = (await docker(['network', 'ls', '-q', ...mine])).split('\n').filter(Boolean);
    for (const network of networks) await this.removeNetwork(network);
    const other = await this.otherStateFolder();
    if (other)
      console.log(
        `lab "${this.lab.name}": the Docker containers and networks of that name from state folder ${other} are that folder's: left them alone`,
      );
  }

  /**
   * A network of the lab, once its containers are gone. Docker 20.10 was seen to answer "has
   * active endpoints" for a moment after `container rm --force` returned (the endpoint of a killed
   * container released late): asked again for a while, then the endpoints of this lab's removed
   * containers disconnected by force. One of anything else is left, and said.
   */
  private async removeNetwork(network: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const removed = await dockerOutcome(['network', 'rm', network]);
      if (removed.exitCode === 0 || /No such network|not found/i.test(removed.stderr)) return;
      if (!/active endpoints/.test(removed.stderr) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const attached = await dockerOutcome([
      'network',
      'inspect',
      '--format',
      '{{range .Containers}}{{.Name}}\n{{end}}',
      network,
    ]);
    const names = attached.stdout.split('\n').filter(Boolean);
    const strangers = names.filter((name) => !name.startsWith(this.names.prefix));
    if (strangers.length > 0)
      throw new DockerCommandFailed(
        `the Docker network ${network} of lab "${this.lab.name}" still has containers that are not this lab's attached (${strangers.join(', ')}): disconnect them (docker network disconnect), then run lab:destroy again`,
      );
    for (const name of names) await dockerOutcome(['network', 'disconnect', '--force', network, name]);
    await docker(['network', 'rm', network]);
  }

  async keptAfterDestroy(): Promise<string | undefined> {
    const image = this.keptImage;
    if (!image) return undefined;
    const bytes = await imageBytes(image);
    if (bytes === undefined) return undefined;
    return `the image ${image} on the Docker daemon (${Math.round(bytes / 2 ** 20)} MiB), the machines' root for every Docker lab of this host; remove it with ${dockerProgram()} image rm ${image} once none is left`;
  }

  private readStateQuietly(): DockerImage | undefined {
    try {
      return this.readState();
    } catch {
      return undefined;
    }
  }

  async status(): Promise<MachineStatus[]> {
    const found = await this.inspect(this.lab.hosts.map((h) => h.name));
    return this.lab.hosts.map((host) => {
      const item = found.get(host.name);
      if (!item) return { host: host.name, state: 'not_created', detail: 'not created' };
      if (item.State.Running) {
        const port = item.NetworkSettings.Ports?.['22/tcp']?.[0]?.HostPort;
        return {
          host: host.name,
          state: 'running',
          detail: `container ${this.names.container(host.name)}, ssh 127.0.0.1:${port ?? '?'}`,
        };
      }
      return { host: host.name, state: 'poweroff', detail: `powered off (${item.State.Status})` };
    });
  }

  async sshEndpoints(): Promise<Map<string, SshEndpoint>> {
    this.requireState();
    const found = await this.inspect(this.lab.hosts.map((h) => h.name));
    const endpoints = new Map<string, SshEndpoint>();
    for (const [host, item] of found) {
      const port = item.NetworkSettings.Ports?.['22/tcp']?.find((p) => p.HostIp === '127.0.0.1')?.HostPort;
      if (item.State.Running && port)
        endpoints.set(host, {
          host,
          address: '127.0.0.1',
          port: Number(port),
          user: 'root',
          privateKeyFile: this.keyFile,
        });
    }
    return endpoints;
  }

  private async runningContainer(hostName: string, network: LinkNetwork): Promise<string> {
    const host = findHost(this.lab, hostName);
    if (network === 'heartbeat' && !host.heartbeat)
      throw new UserFacingError(`${host.name} is not on the heartbeat network: only the balancers are`);
    const found = await this.requireMachine(host.name);
    if (!found.State.Running)
      throw new UserFacingError(
        `${host.name} is not running (npm run lab:start -- ${host.name}): its links exist only while it runs`,
      );
    return this.names.container(host.name);
  }

  async setLink(host: string, network: LinkNetwork, change: LinkChange): Promise<void> {
    const container = await this.runningContainer(host, network);
    await changeLink({ host, network, container, inside: this.lab.networks[network].interface }, change);
  }

  async links(): Promise<LinkState[]> {
    if (!this.readStateQuietly()) return [];
    const found = await this.inspect(this.lab.hosts.map((h) => h.name));
    const ends = this.lab.hosts
      .filter((h) => found.get(h.name)?.State.Running)
      .flatMap((h) =>
        LINK_NETWORKS.filter((n) => n === 'lan' || h.heartbeat).map((network) => ({
          host: h.name,
          network,
          container: this.names.container(h.name),
          inside: this.lab.networks[network].interface,
        })),
      );
    return readLinks(ends);
  }
}

export const dockerRegistration: ProviderRegistration = {
  name: 'docker',
  create: (lab, state) => new DockerProvider(lab, state),
  managementNetwork: (lab) => ({
    en: `Docker network ${dockerNames(lab).network('mgmt')}, each machine's sshd published on 127.0.0.1`,
    es: `red Docker ${dockerNames(lab).network('mgmt')}, el sshd de cada máquina publicado en 127.0.0.1`,
  }),
  // docker.json: the machines' image; the containers and networks are the daemon's, found by label
  stateEntries: { 'docker.json': 'file' },
  machineTraces: ['docker.json'],
  upEntries: ['docker.json'],
  upEntryShapes: { [STATE_FILE]: DOCKER_STATE },
};
