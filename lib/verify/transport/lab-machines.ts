// The lab's machines as the checks use them: commands as root (the connections), power (the
// switch) and who holds an address, in one object joined from the three.
import type { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import type { LabProvider } from '../../providers/provider.ts';
import { holderOf, holds, interfaceWith, macWith } from './addresses.ts';
import { MachineConnections } from './machine-connections.ts';
import { PowerSwitch } from './power-switch.ts';

export interface LabMachines {
  exec: MachineConnections['exec'];
  powerOff: PowerSwitch['powerOff'];
  powerOn: PowerSwitch['powerOn'];
  restore: PowerSwitch['restore'];
  stopPowerOperations: PowerSwitch['stopPowerOperations'];
  holds(host: string, address: string): Promise<boolean>;
  /** the one host holding the address; undefined when none or several do */
  holderOf(hosts: string[], address: string): Promise<string | undefined>;
  interfaceWith(host: string, address: string): Promise<string>;
  macWith(host: string, address: string): Promise<string>;
  closeAll(): void;
}

export function labMachines(provider: LabProvider, knownHosts: KnownHosts): LabMachines {
  const connections = new MachineConnections(provider, knownHosts);
  const power = new PowerSwitch(provider, connections);
  return {
    exec: (host, command, options) => connections.exec(host, command, options),
    powerOff: (host) => power.powerOff(host),
    powerOn: (host) => power.powerOn(host),
    restore: (host) => power.restore(host),
    stopPowerOperations: () => power.stopPowerOperations(),
    holds: (host, address) => holds(connections, host, address),
    holderOf: (hosts, address) => holderOf(connections, hosts, address),
    interfaceWith: (host, address) => interfaceWith(connections, host, address),
    macWith: (host, address) => macWith(connections, host, address),
    closeAll: () => connections.closeAll(),
  };
}
