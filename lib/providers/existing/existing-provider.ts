// Machines that already exist: a farm a student built by hand, on their own VMs or a lab PC's.
// hafarm creates, changes and destroys none of them: lab:up makes first contact over SSH (the
// host keys recorded, as with every provider), lab:destroy forgets the lab's state, and power
// for V3–V5 is the student's own commands, run as argument lists (never through a shell).
import type { Said } from '../../said.ts';
import { accessSync, constants } from 'node:fs';
import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { SshConnection } from '../../engine/ssh/ssh-connection.ts';
import type { Lab } from '../../lab/model.ts';
import { printable } from '../../printable.ts';
import { KNOWN_HOSTS_ENTRY } from '../../state/state-entries.ts';
import type { LabStateDir } from '../../state/lab-state.ts';
import { UserFacingError } from '../../user-facing-error.ts';
import {
  LinkChangeUnsupported,
  type LabProvider,
  type MachineNeed,
  type MachineEvent,
  type MachineStatus,
  type MissingPrerequisite,
  type ProviderRegistration,
  type SshEndpoint,
} from '../provider.ts';
import { EXISTING_PROVIDER, existingSection, keyFile, type ExistingMachine } from './existing-section.ts';
import { runPowerCommand } from './power-command.ts';
import { sshGreets } from '../ssh-greeting.ts';

const REACH_TIMEOUT_MS = 5_000;
/** How long a machine may take to answer SSH after its power-on command returned: a VM's boot. */
const BOOT_TIMEOUT_MS = 300_000;

/** The user asked for what this lab cannot do to machines hafarm did not make. */
export class ExistingMachinesCannot extends UserFacingError {
  override name = 'ExistingMachinesCannot';
}

const LINKS_UNAVAILABLE: Said = {
  en: 'the existing provider cannot cut or degrade links: hafarm made neither these machines nor their networks (cut a link in your hypervisor instead, e.g. VBoxManage controlvm NAME setlinkstate3 off)',
  es: 'el proveedor existing no puede cortar ni degradar enlaces: hafarm no creó estas máquinas ni sus redes (corta el enlace en tu hipervisor, p. ej. VBoxManage controlvm NOMBRE setlinkstate3 off)',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ExistingProvider implements LabProvider {
  readonly name = EXISTING_PROVIDER;

  constructor(
    private readonly lab: Lab,
    private readonly state: LabStateDir,
  ) {}

  private machine(host: string): ExistingMachine {
    const machine = this.lab.existing[host];
    if (!machine)
      throw new ExistingMachinesCannot(
        `${host}: the definition's existing: section has no entry for it (how hafarm reaches it over SSH)`,
      );
    return machine;
  }

  private endpoint(host: string): SshEndpoint {
    const { ssh } = this.machine(host);
    return {
      host,
      address: ssh.host,
      port: ssh.port,
      user: ssh.user,
      privateKeyFile: keyFile(this.lab, ssh.key),
    };
  }

  async missingPrerequisites(): Promise<MissingPrerequisite[]> {
    const missing: MissingPrerequisite[] = [];
    for (const host of this.lab.hosts) {
      const machine = this.lab.existing[host.name];
      if (!machine) {
        missing.push({
          what: `how to reach ${host.name}`,
          howToGet: `add it under existing: in ${this.lab.file}, e.g. ${host.name}: {ssh: {host: ADDRESS, user: USER, key: KEY_FILE}}`,
        });
        continue;
      }
      const key = keyFile(this.lab, machine.ssh.key);
      try {
        accessSync(key, constants.R_OK);
      } catch {
        missing.push({
          what: `${host.name}'s private key ${key} (existing.${host.name}.ssh.key)`,
          howToGet: 'give the file of the key you log in to that machine with (ssh -i FILE); it must be readable',
        });
      }
    }
    return missing;
  }

  /** First contact: every machine logged in to (its host key recorded), its name read. */
  async up(onEvent: (event: MachineEvent) => void): Promise<void> {
    const knownHosts = new KnownHosts(this.state.path(KNOWN_HOSTS_ENTRY));
    const unreachable: string[] = [];
    await Promise.all(
      this.lab.hosts.map(async ({ name }) => {
        const endpoint = this.endpoint(name);
        onEvent({ host: name, kind: 'progress', text: `ssh ${endpoint.user}@${endpoint.address}:${endpoint.port}` });
        const connection = new SshConnection(endpoint, {
          knownHosts,
          connectTimeoutMs: 20_000,
          commandTimeoutMs: 20_000,
        });
        try {
          await connection.connect();
          const said = await connection.exec('uname -n');
          const node = said.stdout
            .trim()
            .replace(/\p{Cc}/gu, '?')
            .slice(0, 64);
          onEvent({ host: name, kind: 'progress', text: `reached; it calls itself ${node}` });
          onEvent({ host: name, kind: 'done' });
        } catch (error) {
          const why = printable(error instanceof Error ? error.message : String(error));
          unreachable.push(`${name}: ${why}`);
          onEvent({ host: name, kind: 'failed', text: why });
        } finally {
          connection.close();
        }
      }),
    );
    if (unreachable.length > 0)
      throw new ExistingMachinesCannot(
        `hafarm could not log in to ${unreachable.length === 1 ? 'a machine' : `${unreachable.length} machines`} (nothing was changed on any):\n  ${unreachable.join('\n  ')}`,
      );
  }

  /** Power only where the user gave its commands; links never: hafarm made neither the machines nor their networks. */
  cannot(need: MachineNeed, host: string): Said | undefined {
    if (need === 'links') return LINKS_UNAVAILABLE;
    if (this.lab.existing[host]?.power) return undefined;
    const example = `off: [VBoxManage, controlvm, ${host}, poweroff], on: [VBoxManage, startvm, ${host}, --type, headless]`;
    return {
      en: `no power commands for ${host}: add existing.${host}.power.off and .on, the commands of this computer that power it off and on as argument lists (e.g. ${example})`,
      es: `no hay órdenes de encendido para ${host}: añade existing.${host}.power.off y .on, las órdenes de este ordenador que la apagan y la encienden, como listas de argumentos (p. ej. ${example})`,
    };
  }

  async powerOff(host: string): Promise<void> {
    const power = this.machine(host).power;
    if (!power) throw new ExistingMachinesCannot(this.cannot('power', host)!.en);
    await runPowerCommand(host, 'off', power.off);
  }

  async powerOn(host: string): Promise<void> {
    const power = this.machine(host).power;
    if (!power) throw new ExistingMachinesCannot(this.cannot('power', host)!.en);
    await runPowerCommand(host, 'on', power.on);
    // The command returns when the machine starts booting: it is on once SSH answers again.
    const { address, port } = this.endpoint(host);
    const until = Date.now() + BOOT_TIMEOUT_MS;
    while (!(await sshGreets(address, port, REACH_TIMEOUT_MS))) {
      if (Date.now() > until)
        throw new ExistingMachinesCannot(
          `${host}: powered on (${power.on.join(' ')}), but its SSH (${address}:${port}) did not answer within ${BOOT_TIMEOUT_MS / 1000} s`,
        );
      await sleep(1000);
    }
  }

  /** Nothing on the machines: the lab's state folder is all hafarm had of them, and lab:destroy removes it. */
  async destroy(): Promise<void> {}

  keptAfterDestroy(): string {
    return `the ${this.lab.hosts.length} machines themselves: hafarm did not make them and changed nothing of them by destroying; it only forgot them`;
  }

  /** A machine answering on its SSH port is running; one that does not is unreachable (off, or its network). */
  async status(): Promise<MachineStatus[]> {
    return Promise.all(
      this.lab.hosts.map(async ({ name }) => {
        const { address, port } = this.endpoint(name);
        const up = await sshGreets(address, port, REACH_TIMEOUT_MS);
        return {
          host: name,
          state: up ? 'running' : 'unreachable',
          detail: up ? `ssh answers on ${address}:${port}` : `no answer on ${address}:${port}`,
        };
      }),
    );
  }

  setLink(): Promise<void> {
    return Promise.reject(new LinkChangeUnsupported(LINKS_UNAVAILABLE.en));
  }

  /** Links hafarm does not change are none of its business: lab:status lists none. */
  async links() {
    return [];
  }

  async sshEndpoints(): Promise<Map<string, SshEndpoint>> {
    return new Map(this.lab.hosts.map(({ name }) => [name, this.endpoint(name)]));
  }
}

export const existingRegistration: ProviderRegistration = {
  name: EXISTING_PROVIDER,
  create: (lab, state) => new ExistingProvider(lab, state),
  section: existingSection,
  onlyByName: true,
  adoptsMachines: true,
  managementNetwork: () => ({
    en: 'your own network to the machines (their SSH endpoints in existing:)',
    es: 'tu propia red hasta las máquinas (sus puntos de acceso SSH en existing:)',
  }),
};
