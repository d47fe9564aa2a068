// A Vagrant machine's link through the hypervisor's own commands (lib/providers/vagrant/links.ts):
// VBoxManage's virtual cable of the adapter the Vagrantfile gives each network, virsh's link of
// the domain's interface on the lab network, and what neither can do said so.
import { describe, expect, it } from 'vitest';
import {
  libvirtInterfaceOn,
  libvirtLinkArgs,
  libvirtLinkUp,
  virtualboxCableConnected,
  virtualboxLinkArgs,
} from '../../../../lib/providers/vagrant/links.ts';
import { LinkChangeUnsupported } from '../../../../lib/providers/provider.ts';

describe('VirtualBox links', () => {
  it("cut and restore the adapter's cable: 2 is the LAN, 3 the heartbeat network (1 is NAT)", () => {
    expect(virtualboxLinkArgs('swap-haproxy2', 'heartbeat', { kind: 'down' })).toEqual([
      'controlvm',
      'swap-haproxy2',
      'setlinkstate3',
      'off',
    ]);
    expect(virtualboxLinkArgs('swap-web1', 'lan', { kind: 'up' })).toEqual([
      'controlvm',
      'swap-web1',
      'setlinkstate2',
      'on',
    ]);
    expect(virtualboxLinkArgs('swap-web1', 'lan', { kind: 'clear' })).toBeUndefined();
  });

  it('refuse loss and delay, which VirtualBox does not have', () => {
    expect(() => virtualboxLinkArgs('swap-web1', 'lan', { kind: 'loss', percent: 30 })).toThrow(LinkChangeUnsupported);
    expect(() => virtualboxLinkArgs('swap-web1', 'lan', { kind: 'delay', ms: 200 })).toThrow(
      /VirtualBox cannot drop or delay/,
    );
  });

  it('read the cable from showvminfo --machinereadable', () => {
    const info = 'name="swap-haproxy2"\ncableconnected1="on"\ncableconnected2="on"\r\ncableconnected3="off"\n';
    expect(virtualboxCableConnected(info, 'lan')).toBe(true);
    expect(virtualboxCableConnected(info, 'heartbeat')).toBe(false);
  });
});

describe('libvirt links', () => {
  const domiflist = [
    ' Interface   Type      Source           Model    MAC',
    '-------------------------------------------------------------------',
    ' vnet0       network   vagrant-libvirt  virtio   52:54:00:aa:bb:01',
    ' vnet1       network   swap-lan         virtio   52:54:00:aa:bb:02',
    ' vnet2       network   swap-heartbeat   virtio   52:54:00:aa:bb:03',
  ].join('\n');

  it("find the domain's interface on a lab network and set its link", () => {
    expect(libvirtInterfaceOn(domiflist, 'swap-heartbeat')).toBe('vnet2');
    expect(libvirtInterfaceOn(domiflist, 'other-lan')).toBeUndefined();
    expect(libvirtLinkArgs('swap-haproxy2', 'vnet2', { kind: 'down' })).toEqual([
      '--connect',
      'qemu:///system',
      'domif-setlink',
      'swap-haproxy2',
      'vnet2',
      'down',
    ]);
    expect(libvirtLinkArgs('swap-haproxy2', 'vnet2', { kind: 'clear' })).toBeUndefined();
    expect(() => libvirtLinkArgs('swap-haproxy2', 'vnet2', { kind: 'loss', percent: 30 })).toThrow(
      /does not degrade a libvirt link yet/,
    );
  });

  it('read the link from domif-getlink', () => {
    expect(libvirtLinkUp('vnet2 up')).toBe(true);
    expect(libvirtLinkUp('vnet2 down\n')).toBe(false);
  });
});
