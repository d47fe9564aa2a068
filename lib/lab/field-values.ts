// Readers of the values a lab definition's fields hold (addresses, networks, names, log files),
// shared by the definition's reader and the components' readers of their own sections (roles/).
import type { Node } from 'yaml';
import { parseCidr, isIpv4, type Cidr } from './ipv4.ts';
import type { FieldPath, FieldReader } from './yaml-fields.ts';
import { quoted } from './printable.ts';
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
    allowed: 'a DNS name such as trabajoswap.com',
  },
  iface: { re: /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/, allowed: 'an interface name such as eth1 (at most 15 characters)' },
  box: { re: /^[A-Za-z0-9_.-]{1,64}\/[A-Za-z0-9_.-]{1,64}$/, allowed: 'a Vagrant box name such as debian/bookworm64' },
  // Heartbeat creates the file but not its folder; the name lands in ha.cf and in lab:verify's commands.
  logFile: {
    re: /^\/var\/log\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/,
    allowed: 'a file directly in /var/log/, its name of letters, digits, ".", "_" and "-", such as /var/log/ha-log',
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

export function logFile(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(
    r,
    path,
    node,
    pattern(r, path, node, PATTERNS.logFile),
    RESERVED_LOG_FILES,
    'a text log file of its own, such as /var/log/ha-log',
  );
}
