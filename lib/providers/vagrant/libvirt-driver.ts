// box.libvirt_driver: how the libvirt provider runs the machines, kvm (hardware virtualisation)
// or qemu (QEMU's software emulation, for hosts where KVM cannot run guests). VirtualBox ignores it.
import type { BoxField } from '../../lab/definition-parts.ts';

export const LIBVIRT_DRIVERS = ['kvm', 'qemu'] as const;
export type LibvirtDriver = (typeof LIBVIRT_DRIVERS)[number];

declare module '../../lab/model.ts' {
  interface BoxSettings {
    /** box.libvirt_driver, kvm when absent */
    libvirtDriver: LibvirtDriver;
  }
}

export const LIBVIRT_DRIVER_FIELD: BoxField = {
  key: 'libvirt_driver',
  property: 'libvirtDriver',
  read: (r, path, node) => r.oneOf(path, node, LIBVIRT_DRIVERS),
  default: 'kvm',
};
