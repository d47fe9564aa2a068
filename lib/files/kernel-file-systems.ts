// The kernel's own file systems (/proc, /sys, /dev and their kind mounted elsewhere) are no place
// for a lab's files: their entries are not files, and Node's recursive mkdir loops for ever under
// /proc. A target there is refused before anything is made.
import { realpathSync, statfsSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

/** statfs f_type of the kernel's pseudo file systems (linux/magic.h) */
const KERNEL_TYPES: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x1cd1, 'devpts'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x65735543, 'fusectl'],
  [0x19800202, 'mqueue'],
  [0x42494e4d, 'binfmt_misc'],
  [0x6e736673, 'nsfs'],
]);

/** The kernel's folders by path: /dev is a tmpfs to statfs, so it is named here. */
const KERNEL_FOLDERS = ['/proc', '/sys', '/dev'];

function nearestExisting(path: string): string {
  for (let part = resolve(path); ; part = dirname(part)) {
    try {
      return realpathSync(part);
    } catch {
      if (part === dirname(part)) return part;
    }
  }
}

/** What kernel file system `path` (or the nearest existing folder above it) lies on, or undefined for an ordinary one. */
export function kernelFileSystemOf(path: string): string | undefined {
  const real = nearestExisting(path);
  const folder = KERNEL_FOLDERS.find((f) => real === f || real.startsWith(`${f}${sep}`));
  if (folder) return `${folder}, the kernel's`;
  try {
    const kind = KERNEL_TYPES.get(Number(statfsSync(real).type));
    return kind ? `a ${kind} file system, the kernel's` : undefined;
  } catch {
    return undefined;
  }
}
