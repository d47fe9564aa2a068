// The mistake a student makes following T3 by hand, found in the addresses the machines hold: a
// machine without its LAN address (or with another prefix), a balancer without its heartbeat
// address. Every other component's findings name interfaces by these addresses.
import { netmask, type Cidr } from '../../lib/lab/ipv4.ts';
import type { Host, Lab } from '../../lib/lab/model.ts';
import { interfaceHolding, shown, type Finding, type MachineHoldings, type MistakeFinder } from '../mistakes.ts';

/** What each interface of the machine carries, as a finding lists it: "eth0 10.0.2.15/24, eth1 –". */
function interfacesOf(machine: MachineHoldings): string {
  const listed = [...machine.interfaces].slice(0, 10).map(([name, addresses]) => {
    const held = addresses.slice(0, 3).map(shown);
    return `${shown(name)} ${held.length > 0 ? held.join(' ') : '–'}`;
  });
  const more = machine.interfaces.size > listed.length ? ', …' : '';
  return listed.length > 0 ? `${listed.join(', ')}${more}` : '–';
}

function addressFinding(
  host: Host,
  machine: MachineHoldings,
  wanted: { address: string; cidr: Cidr; iface: string; network: { en: string; es: string } },
): Finding[] {
  const held = interfaceHolding(machine, wanted.address);
  const prefix = held ? held.address.split('/')[1] : undefined;
  if (held && prefix === String(wanted.cidr.prefix)) return [];
  const want = `${wanted.address}/${wanted.cidr.prefix}`;
  const iface = held ? shown(held.name) : machine.interfaces.has(wanted.iface) ? wanted.iface : undefined;
  const stanza = `\`auto ${iface ?? wanted.iface}\`, \`iface ${iface ?? wanted.iface} inet static\`, \`address ${wanted.address}\`, \`netmask ${netmask(wanted.cidr)}\``;
  const where = iface
    ? { en: '', es: '' }
    : {
        en: ` (the interface on the ${wanted.network.en}: ${wanted.iface} in the tutorial)`,
        es: ` (la interfaz de la ${wanted.network.es}: ${wanted.iface} en el tutorial)`,
      };
  return [
    {
      step: 'T3',
      host: host.name,
      wrong: held
        ? {
            en: `ip addr shows ${shown(held.address)} on ${shown(held.name)}: the ${wanted.network.en} address of ${host.name} is ${want}, prefix /${wanted.cidr.prefix} (netmask ${netmask(wanted.cidr)})`,
            es: `ip addr muestra ${shown(held.address)} en ${shown(held.name)}: la dirección de la ${wanted.network.es} de tu ${host.name} es ${want}, prefijo /${wanted.cidr.prefix} (netmask ${netmask(wanted.cidr)})`,
          }
        : {
            en: `ip addr shows ${want}, the ${wanted.network.en} address of ${host.name}, on no interface (${interfacesOf(machine)})`,
            es: `ip addr no muestra ${want}, la dirección de la ${wanted.network.es} de tu ${host.name}, en ninguna interfaz (${interfacesOf(machine)})`,
          },
      fix: {
        en: `write ${stanza} in /etc/network/interfaces on ${host.name}${where.en}, then \`ifup ${iface ?? wanted.iface}\` (or service networking restart)`,
        es: `escribe ${stanza} en /etc/network/interfaces de tu ${host.name}${where.es} y después \`ifup ${iface ?? wanted.iface}\` (o service networking restart)`,
      },
    },
  ];
}

function networkFindings(lab: Lab, host: Host, machine: MachineHoldings): Finding[] {
  const { lan, heartbeat } = lab.networks;
  return [
    ...addressFinding(host, machine, {
      address: host.lan,
      cidr: lan.cidr,
      iface: lan.interface,
      network: { en: 'LAN', es: 'LAN' },
    }),
    ...(host.heartbeat
      ? addressFinding(host, machine, {
          address: host.heartbeat,
          cidr: heartbeat.cidr,
          iface: heartbeat.interface,
          network: { en: 'heartbeat network', es: 'red de heartbeat' },
        })
      : []),
  ];
}

export const networkMistakes: MistakeFinder = {
  files: () => [],
  find(lab, holdings) {
    return lab.hosts.flatMap((host) => {
      const machine = holdings.get(host.name);
      return machine ? networkFindings(lab, host, machine) : [];
    });
  },
};
