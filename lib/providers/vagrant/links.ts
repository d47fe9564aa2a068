// A Vagrant machine's links, through the hypervisor's own commands. VirtualBox: the virtual cable
// of the machine's adapter (`VBoxManage controlvm VM setlinkstateN on|off`; adapter 1 is NAT, then
// the LAN, then the heartbeat network, in the Vagrantfile's order). libvirt: the link of the
// domain's interface on the lab network (`virsh domif-setlink`). Neither degrades a link here:
// VirtualBox has no packet loss or delay for an adapter, and for libvirt it would take netem on
// the host side of the guest's interface, not done yet.
import { LinkChangeUnsupported, type LinkChange, type LinkNetwork } from '../provider.ts';

/** VirtualBox's adapter number of a lab network (Vagrantfile: NAT first, then the LAN, then the heartbeat network). */
export function virtualboxAdapter(network: LinkNetwork): number {
  return network === 'lan' ? 2 : 3;
}

/** `VBoxManage` arguments that cut or restore a link; LinkChangeUnsupported for loss and delay. */
export function virtualboxLinkArgs(vm: string, network: LinkNetwork, change: LinkChange): string[] | undefined {
  if (change.kind === 'down' || change.kind === 'up')
    return ['controlvm', vm, `setlinkstate${virtualboxAdapter(network)}`, change.kind === 'up' ? 'on' : 'off'];
  if (change.kind === 'clear') return undefined;
  throw new LinkChangeUnsupported(
    `${change.kind}: VirtualBox cannot drop or delay the packets of a virtual adapter (it has only the cable, connected or not); cut the link with down, or run the lab on the libvirt or netns provider`,
  );
}

/** Whether `VBoxManage showvminfo VM --machinereadable` says the adapter's cable is connected. */
export function virtualboxCableConnected(info: string, network: LinkNetwork): boolean {
  const line = info.split(/\r?\n/).find((l) => l.startsWith(`cableconnected${virtualboxAdapter(network)}=`));
  return line === undefined ? true : /="on"$/.test(line.trim());
}

/** The domain's interface (vnetN) on a libvirt network, from `virsh domiflist DOMAIN`. */
export function libvirtInterfaceOn(domiflist: string, networkName: string): string | undefined {
  for (const line of domiflist.split('\n')) {
    const [iface, type, source] = line.trim().split(/\s+/);
    if (type === 'network' && source === networkName && iface && iface !== '-') return iface;
  }
  return undefined;
}

/** `virsh` arguments that cut or restore a link; LinkChangeUnsupported for loss and delay. */
export function libvirtLinkArgs(domain: string, iface: string, change: LinkChange): string[] | undefined {
  if (change.kind === 'down' || change.kind === 'up')
    return ['--connect', 'qemu:///system', 'domif-setlink', domain, iface, change.kind];
  if (change.kind === 'clear') return undefined;
  throw new LinkChangeUnsupported(
    `${change.kind}: hafarm does not degrade a libvirt link yet (it would set netem on the host side of the machine's interface); cut it with down, or run the lab on the netns provider`,
  );
}

/** Whether `virsh domif-getlink DOMAIN IFACE` says the link is up ("vnet3 up"). */
export function libvirtLinkUp(getlink: string): boolean {
  return /\bup\s*$/.test(getlink.trim());
}
