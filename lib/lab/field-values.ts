// Readers of the values a lab definition's fields hold (addresses, networks, names, log files),
// shared by the definition's reader and the components' readers of their own sections (roles/).
import type { Node } from 'yaml';
import { parseCidr, isIpv4, type Cidr } from './ipv4.ts';
import type { FarmFacts } from './definition-parts.ts';
import type { FieldPath, FieldReader } from './yaml-fields.ts';
import { quoted } from '../printable.ts';
import { RESERVED_LOG_FILES } from './reserved-names.ts';

type Reader = FieldReader;

export const PATTERNS = {
  labName: {
    re: /^[a-z][a-z0-9]{0,7}$/,
    allowed: 'a lowercase letter then up to 7 lowercase letters or digits (it prefixes every resource name)',
  },
  hostname: {
    re: /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/,
    allowed:
      'a host name: a lowercase letter, then lowercase letters, digits and "-", 1 to 63 characters, not ending with "-"',
  },
  dnsName: {
    re: /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    allowed:
      'a DNS name such as trabajoswap.com: lowercase letters, digits and "-" in labels joined by dots, the last label not all digits, never an IPv4 address',
  },
  iface: { re: /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/, allowed: 'an interface name such as eth1 (at most 15 characters)' },
  box: { re: /^[A-Za-z0-9_.-]{1,64}\/[A-Za-z0-9_.-]{1,64}$/, allowed: 'a Vagrant box name such as debian/bookworm64' },
  // Heartbeat creates the file but not its folder; the name lands in ha.cf and in lab:verify's
  // commands. More rules in logFileProblem.
  logFile: {
    re: /^\/var\/log\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/,
    allowed:
      'a file directly in /var/log/, its name of letters, digits, ".", "_" and "-", not a folder, link or binary record the machines have there, such as /var/log/ha-log',
  },
  token: { re: /^[A-Za-z0-9_.-]{1,64}$/, allowed: 'letters, digits, "_", "." and "-", at most 64' },
  // No "#" (HAProxy reads the rest as a comment), no quotes, spaces or "\\" (they would need quoting).
  uri: {
    re: /^\/[A-Za-z0-9._~/?=&+-]{0,127}$/,
    allowed: 'a path starting with "/" of letters, digits and . _ ~ / ? = & + -, such as /haproxy?stats',
  },
  // One line of text: no control characters, which would reach the terminal in task names.
  page: {
    re: /^[^\p{Cc}]{1,200}$/u,
    allowed: "one line of text of at most 200 characters, with {host} where the host's name goes",
  },
} as const;

/** One part of an address as inet_aton(3) reads it: decimal, octal (0…) or hexadecimal (0x…). */
const INET_ATON_PART = /^(0x[0-9a-f]*|[0-9]+)$/i;

/**
 * Why a name that matches a name's pattern would still be read as an address, or undefined. The C
 * library's resolver (and so curl, nginx, HAProxy) reads 1 to 4 numbers joined by dots as an IPv4
 * address before it looks a name up, in decimal, octal or hexadecimal (inet_aton(3)): 10.1 is
 * 10.0.0.1 and 0x7f000001 is 127.0.0.1. A top-level label of digits only is never a name either
 * (RFC 3696, section 2), which also covers every dotted-decimal form such as 192.168.1.100.
 */
export function addressFormProblem(name: string): string | undefined {
  const labels = name.split('.');
  if (labels.length <= 4 && labels.every((label) => INET_ATON_PART.test(label)))
    return 'is an IPv4 address (as the resolver reads numbers joined by dots), not a name';
  if (/^[0-9]+$/.test(labels[labels.length - 1]!))
    return 'ends with a label of digits only, which no name has (RFC 3696): it reads as an address';
  return undefined;
}

/** A host or site name: its pattern, and never a form the resolver reads as an address. */
export function hostName(
  r: Reader,
  path: FieldPath,
  node: unknown,
  p: { re: RegExp; allowed: string },
): string | undefined {
  const text = pattern(r, path, node, p);
  const problem = text === undefined ? undefined : addressFormProblem(text);
  if (problem) return r.report(path, node as Node, `${quoted(text!)} ${problem}`, p.allowed);
  return text;
}

export function address(r: Reader, path: FieldPath, node: unknown): string | undefined {
  const text = r.string(path, node, undefined, 'an IPv4 address such as 192.168.1.101');
  if (text === undefined) return undefined;
  if (!isIpv4(text))
    return r.report(
      path,
      node as Node,
      `${quoted(text)} is not an IPv4 address`,
      'an IPv4 address such as 192.168.1.101',
    );
  return text;
}

export function cidr(r: Reader, path: FieldPath, node: unknown): Cidr | undefined {
  const text = r.string(path, node, undefined, 'a network in CIDR form such as 192.168.1.0/24');
  if (text === undefined) return undefined;
  const parsed = parseCidr(text);
  if ('error' in parsed) return r.report(path, node as Node, `${quoted(text)} is not a valid network`, parsed.error);
  return parsed;
}

export function pattern(
  r: Reader,
  path: FieldPath,
  node: unknown,
  p: { re: RegExp; allowed: string },
): string | undefined {
  return r.string(path, node, p.re, p.allowed);
}

/** A value of the field's shape that is not one of the reserved ones (each with its reason). */
export function notReserved<T extends string | number>(
  r: Reader,
  path: FieldPath,
  node: unknown,
  value: T | undefined,
  reserved: ReadonlyMap<T, string>,
  allowed: string,
): T | undefined {
  const why = value === undefined ? undefined : reserved.get(value);
  if (why === undefined) return value;
  return r.report(path, node as Node, `"${value}" is reserved: ${why}`, allowed);
}

/** Kernel and device file systems: a "log" there is no file at all (/dev/sda, /proc/sysrq-trigger). */
const KERNEL_FOLDERS = ['/proc', '/sys', '/dev'];

/**
 * Why a path cannot be a log file of the lab's own, or undefined. Heartbeat and keepalived's
 * rsyslog rule append to it as root, and lab:verify reads it: it must name a file, never a
 * folder (a trailing "/", "." or "..", a folder the machines have), a symbolic link, a kernel
 * file or a binary record, and sit directly in /var/log/, which every machine has (Heartbeat
 * creates the file, not its folder). The first reason that applies is the one given.
 */
export function logFileProblem(file: string, folders: FarmFacts['logFolders'] = []): string | undefined {
  if (!file.startsWith('/')) return 'is not an absolute path';
  if (file.endsWith('/')) return 'ends with "/": it names a folder, not a file';
  const parts = file.split('/').slice(1);
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    return 'has an empty, "." or ".." part: a log file is named by its own path';
  const kernel = KERNEL_FOLDERS.find((folder) => file === folder || file.startsWith(`${folder}/`));
  if (kernel) return `is in ${kernel}, where the kernel's and devices' files are, not logs`;
  if (file === '/var/log') return 'is the folder /var/log itself, not a file in it';
  const reserved = RESERVED_LOG_FILES.get(file);
  if (reserved) return `is ${reserved}`;
  const folder = folders.find((f) => f.path === file);
  if (folder) return `is a folder (${folder.whose}), not a file`;
  if (!file.startsWith('/var/log/') || parts.length !== 3)
    return 'is not directly in /var/log/ (Heartbeat creates the file, not its folder)';
  return PATTERNS.logFile.re.test(file) ? undefined : 'is not valid';
}

export function logFile(r: Reader, path: FieldPath, node: unknown, farm: FarmFacts): string | undefined {
  const text = r.string(path, node, undefined, PATTERNS.logFile.allowed);
  const problem = text === undefined ? undefined : logFileProblem(text, farm.logFolders);
  if (problem) return r.report(path, node as Node, `${quoted(text!)} ${problem}`, PATTERNS.logFile.allowed);
  return text;
}
