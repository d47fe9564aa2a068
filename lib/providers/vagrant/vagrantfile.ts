// T1 as code: the Vagrantfile rendered from the lab model. Network order on each machine is the
// tutorial's (LAN second adapter, heartbeat third), so eth1/eth2 line up inside the guests.
import { basename } from 'node:path';
import { formatCidr, netmask } from '../../lab/ipv4.ts';
import { isBalancer, type Lab } from '../../lab/model.ts';
import { renderTemplate } from '../../render/templates.ts';

/** Name of a lab network as the hypervisor sees it: prefixed so that two labs never share one. */
export function vagrantNetworkName(lab: Lab, network: 'lan' | 'heartbeat'): string {
  return `${lab.name}-${network === 'lan' ? 'lan' : 'hb'}`;
}

export function vagrantMachineName(lab: Lab, host: string): string {
  return `${lab.name}-${host}`;
}

export function renderVagrantfile(lab: Lab): string {
  const { lan, heartbeat } = lab.networks;
  const machines = lab.hosts.map((host) => ({
    name: host.name,
    role: host.role === 'web' ? 'nginx web server' : `${host.role} balancer (Heartbeat + HAProxy)`,
    primary: host.role === 'master',
    vmName: vagrantMachineName(lab, host.name),
    memory: host.memory,
    cpus: host.cpus,
    networks: [
      { ip: host.lan, netmask: netmask(lan.cidr), network: vagrantNetworkName(lab, 'lan') },
      ...(isBalancer(host) && host.heartbeat
        ? [{ ip: host.heartbeat, netmask: netmask(heartbeat.cidr), network: vagrantNetworkName(lab, 'heartbeat') }]
        : []),
    ],
  }));
  return renderTemplate('lib/providers/vagrant/templates/Vagrantfile.njk', {
    source: basename(lab.file),
    lab: lab.name,
    prefix: `${lab.name}-`,
    box: lab.box.name,
    emulated: lab.box.libvirtDriver === 'qemu',
    lan: { name: vagrantNetworkName(lab, 'lan'), cidr: formatCidr(lan.cidr) },
    heartbeat: { name: vagrantNetworkName(lab, 'heartbeat'), cidr: formatCidr(heartbeat.cidr) },
    machines,
  });
}
