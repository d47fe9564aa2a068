// Every program hafarm runs on this host itself, with the Debian package that provides it: the
// namespace provider's, and lab:verify's where a provider offers it a vantage on the host
// (hostVantage in provider.ts). The namespace provider's prerequisites are this list, and the host
// runners accept only its names, so a program cannot be spawned without being checked for (and
// installed by `npm run lab`) first.
export const HOST_TOOLS = {
  // wiring, namespaces and the machines' launch
  ip: 'iproute2',
  unshare: 'util-linux',
  mount: 'mount',
  umount: 'mount',
  chroot: 'coreutils',
  hostname: 'hostname',
  sysctl: 'procps',
  sh: 'dash',
  'ssh-keygen': 'openssh-client',
  // the base image and its package repository
  mmdebstrap: 'mmdebstrap',
  'apt-get': 'apt',
  'apt-cache': 'apt',
  'apt-ftparchive': 'apt-utils',
  // lab:link: a machine's link cut (ip), its packets dropped (iptables) or delayed (tc)
  tc: 'iproute2',
  iptables: 'iptables',
  // lab:verify from the client namespace: the requests (curl) and the captures on the bridges (tcpdump)
  curl: 'curl',
  tcpdump: 'tcpdump',
} as const;

export type HostTool = keyof typeof HOST_TOOLS;

/** A program's name, checked at compile time against HOST_TOOLS, for the places that spawn it directly. */
export function hostTool(name: HostTool): HostTool {
  return name;
}
