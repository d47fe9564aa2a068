// Structural reading of lab.yaml into the typed model: shapes, types and formats of each field.
// Rules that relate several fields live in check-definition.ts.
import type { Document, Node } from 'yaml';
import { parseCidr, isIpv4, type Cidr } from './ipv4.ts';
import type { FieldPath, FieldReader } from './yaml-fields.ts';
import { BALANCE_ALGORITHMS, COOKIE_MODES, HOST_ROLES, LIBVIRT_DRIVERS, PROVIDER_CHOICES, type HealthCheckSettings, type Host, type Lab } from './model.ts';
import { HAPROXY_CHECK_DEFAULTS, HEALTH_CHECK_BOUNDS } from './health-check.ts';
import { HAPROXY_OPTIONS } from './haproxy-options.ts';
import { quoted } from './printable.ts';
import { HAPROXY_TIME_PATTERN, MAX_HAPROXY_TIME_MS, haproxyTimeMs } from './haproxy-time.ts';
import { RESERVED_HOST_NAMES, RESERVED_INTERFACES, RESERVED_LOG_FILES, RESERVED_PORTS } from './reserved-names.ts';

export const PATTERNS = {
  labName: { re: /^[a-z][a-z0-9]{0,7}$/, allowed: 'a lowercase letter then up to 7 lowercase letters or digits (it prefixes every resource name)' },
  hostname: { re: /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, allowed: 'a host name: a lowercase letter, then lowercase letters, digits and "-", 1 to 63 characters, not ending with "-"' },
  dnsName: { re: /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, allowed: 'a DNS name such as trabajoswap.com' },
  iface: { re: /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/, allowed: 'an interface name such as eth1 (at most 15 characters)' },
  box: { re: /^[A-Za-z0-9_.-]{1,64}\/[A-Za-z0-9_.-]{1,64}$/, allowed: 'a Vagrant box name such as debian/bookworm64' },
  // Heartbeat creates the file but not its folder; the name lands in ha.cf and in lab:verify's commands.
  logFile: { re: /^\/var\/log\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/, allowed: 'a file directly in /var/log/, its name of letters, digits, ".", "_" and "-", such as /var/log/ha-log' },
  token: { re: /^[A-Za-z0-9_.-]{1,64}$/, allowed: 'letters, digits, "_", "." and "-", at most 64' },
  duration: { re: HAPROXY_TIME_PATTERN, allowed: 'an HAProxy time such as 5s, 500ms or 1m' },
  // No "#" (HAProxy reads the rest as a comment), no quotes, spaces or "\\" (they would need quoting).
  uri: { re: /^\/[A-Za-z0-9._~\/?=&+-]{0,127}$/, allowed: 'a path starting with "/" of letters, digits and . _ ~ / ? = & + -, such as /haproxy?stats' },
  // One line of text: no control characters, which would reach the terminal in task names.
  page: { re: /^[^\p{Cc}]{1,200}$/u, allowed: 'one line of text of at most 200 characters, with {host} where the host\'s name goes' },
} as const;

type Reader = FieldReader;

function address(r: Reader, path: FieldPath, node: unknown): string | undefined {
  const text = r.string(path, node, undefined, 'an IPv4 address such as 192.168.1.101');
  if (text === undefined) return undefined;
  if (!isIpv4(text)) return r.report(path, node as Node, `${quoted(text)} is not an IPv4 address`, 'an IPv4 address such as 192.168.1.101');
  return text;
}

function cidr(r: Reader, path: FieldPath, node: unknown): Cidr | undefined {
  const text = r.string(path, node, undefined, 'a network in CIDR form such as 192.168.1.0/24');
  if (text === undefined) return undefined;
  const parsed = parseCidr(text);
  if ('error' in parsed) return r.report(path, node as Node, `${quoted(text)} is not a valid network`, parsed.error);
  return parsed;
}

function pattern(r: Reader, path: FieldPath, node: unknown, p: { re: RegExp; allowed: string }): string | undefined {
  return r.string(path, node, p.re, p.allowed);
}

/** A value of the field's shape that is not one of the reserved ones (each with its reason). */
function notReserved<T extends string | number>(r: Reader, path: FieldPath, node: unknown, value: T | undefined, reserved: ReadonlyMap<T, string>, allowed: string): T | undefined {
  const why = value === undefined ? undefined : reserved.get(value);
  if (why === undefined) return value;
  return r.report(path, node as Node, `"${value}" is reserved: ${why}`, allowed);
}

function hostName(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(r, path, node, pattern(r, path, node, PATTERNS.hostname), RESERVED_HOST_NAMES, `another name than ${[...RESERVED_HOST_NAMES.keys()].join(', ')}`);
}

function siteName(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(r, path, node, pattern(r, path, node, PATTERNS.dnsName), RESERVED_HOST_NAMES, "the site's own DNS name, such as trabajoswap.com");
}

function iface(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(r, path, node, pattern(r, path, node, PATTERNS.iface), RESERVED_INTERFACES, 'the interface of that network inside the machines, such as eth1 or eth2');
}

function logFile(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(r, path, node, pattern(r, path, node, PATTERNS.logFile), RESERVED_LOG_FILES, 'a text log file of its own, such as /var/log/ha-log');
}

function port(r: Reader, path: FieldPath, node: unknown): number | undefined {
  return notReserved(r, path, node, r.int(path, node, 1, 65535), RESERVED_PORTS, 'a free TCP port such as 80');
}

function haproxyTime(r: Reader, path: FieldPath, node: unknown): string | undefined {
  const text = pattern(r, path, node, PATTERNS.duration);
  if (text === undefined) return undefined;
  const ms = haproxyTimeMs(text);
  if (ms > 0 && ms <= MAX_HAPROXY_TIME_MS) return text;
  return r.report(path, node as Node, `${text} is ${ms === 0 ? 'zero' : 'longer than HAProxy can count'}`, `from 1us to ${MAX_HAPROXY_TIME_MS}ms (about 24.8 days), such as 5s`);
}

/** haproxy.check: each setting optional, HAProxy's own value when absent (what a bare `check` keeps). */
function healthCheck(r: Reader, node: unknown): Partial<HealthCheckSettings> | undefined {
  const path = ['haproxy', 'check'];
  const map = r.map(path, node, [], ['inter', 'fall', 'rise']);
  if (!map) return undefined;
  const { interMs, count } = HEALTH_CHECK_BOUNDS;
  const interAt = r.child(map, 'inter');
  let inter: string | undefined = HAPROXY_CHECK_DEFAULTS.inter;
  if (map.has('inter')) {
    inter = pattern(r, [...path, 'inter'], interAt, PATTERNS.duration);
    const ms = inter === undefined ? undefined : haproxyTimeMs(inter);
    if (ms !== undefined && (ms < interMs.min || ms > interMs.max)) {
      inter = r.report([...path, 'inter'], interAt as Node, `${inter} is out of range`, `from ${interMs.min}ms to ${interMs.max / 1000}s, such as 2s (HAProxy's own)`);
    }
  }
  const countOf = (key: 'fall' | 'rise') => (map.has(key) ? r.int([...path, key], r.child(map, key), count.min, count.max) : HAPROXY_CHECK_DEFAULTS[key]);
  return { inter, fall: countOf('fall'), rise: countOf('rise') };
}

function page(r: Reader, path: FieldPath, node: unknown): string | undefined {
  const text = pattern(r, path, node, PATTERNS.page);
  if (text === undefined || text.includes('{host}')) return text;
  return r.report(path, node as Node, 'has no {host}: the web servers would serve the same page and lab:verify could not tell them apart', PATTERNS.page.allowed);
}

function readHost(r: Reader, path: FieldPath, node: Node, box: { memory?: number; cpus?: number }): Partial<Host> {
  const map = r.map(path, node, ['name', 'role', 'lan'], ['heartbeat', 'memory', 'cpus']);
  if (!map) return {};
  const get = (key: string) => r.child(map, key);
  const host: Partial<Host> = {
    name: hostName(r, [...path, 'name'], get('name')),
    role: r.oneOf([...path, 'role'], get('role'), HOST_ROLES),
    lan: address(r, [...path, 'lan'], get('lan')),
    memory: map.has('memory') ? r.int([...path, 'memory'], get('memory'), 128, 65536) : box.memory,
    cpus: map.has('cpus') ? r.int([...path, 'cpus'], get('cpus'), 1, 32) : box.cpus,
  };
  if (map.has('heartbeat')) host.heartbeat = address(r, [...path, 'heartbeat'], get('heartbeat'));
  return host;
}

/** Reads the document; returns a model only when every field read cleanly. */
export function readDefinition(r: Reader, doc: Document, file: string): Lab | undefined {
  const root = r.map([], doc.contents, ['name', 'box', 'networks', 'vip', 'hosts', 'heartbeat', 'haproxy', 'nginx'], ['provider']);
  if (!root) return undefined;
  const at = (key: string) => root.get(key, true) as Node | undefined;
  const sub = (key: string, required: string[], optional: string[] = []) => r.map([key], at(key), required, optional);

  const name = pattern(r, ['name'], at('name'), PATTERNS.labName);
  const provider = root.has('provider') ? r.oneOf(['provider'], at('provider'), PROVIDER_CHOICES) : 'auto';

  const boxMap = sub('box', ['name', 'memory', 'cpus'], ['libvirt_driver']);
  const box = boxMap && {
    name: pattern(r, ['box', 'name'], r.child(boxMap, 'name'), PATTERNS.box),
    memory: r.int(['box', 'memory'], r.child(boxMap, 'memory'), 128, 65536),
    cpus: r.int(['box', 'cpus'], r.child(boxMap, 'cpus'), 1, 32),
    libvirtDriver: boxMap.has('libvirt_driver') ? r.oneOf(['box', 'libvirt_driver'], r.child(boxMap, 'libvirt_driver'), LIBVIRT_DRIVERS) : 'kvm',
  };

  const netMap = sub('networks', ['lan', 'heartbeat']);
  const lanMap = netMap && r.map(['networks', 'lan'], r.child(netMap, 'lan'), ['cidr', 'gateway', 'interface']);
  const hbMap = netMap && r.map(['networks', 'heartbeat'], r.child(netMap, 'heartbeat'), ['cidr', 'interface']);
  const lan = lanMap && {
    cidr: cidr(r, ['networks', 'lan', 'cidr'], r.child(lanMap, 'cidr')),
    gateway: address(r, ['networks', 'lan', 'gateway'], r.child(lanMap, 'gateway')),
    interface: iface(r, ['networks', 'lan', 'interface'], r.child(lanMap, 'interface')),
  };
  const heartbeatNet = hbMap && {
    cidr: cidr(r, ['networks', 'heartbeat', 'cidr'], r.child(hbMap, 'cidr')),
    interface: iface(r, ['networks', 'heartbeat', 'interface'], r.child(hbMap, 'interface')),
  };

  const vipMap = sub('vip', ['address', 'name']);
  const vip = vipMap && {
    address: address(r, ['vip', 'address'], r.child(vipMap, 'address')),
    name: siteName(r, ['vip', 'name'], r.child(vipMap, 'name')),
  };

  const hostNodes = r.list(['hosts'], at('hosts'), 'hosts') ?? [];
  const hosts = hostNodes.map((node, i) => readHost(r, ['hosts', i], node, box ?? {}));

  const hbKeys = ['deadtime', 'warntime', 'initdead', 'keepalive', 'udpport', 'auto_failback', 'logfile', 'debugfile'];
  const hbs = sub('heartbeat', hbKeys);
  const heartbeat = hbs && {
    deadtime: r.int(['heartbeat', 'deadtime'], r.child(hbs, 'deadtime'), 1, 3600),
    warntime: r.int(['heartbeat', 'warntime'], r.child(hbs, 'warntime'), 1, 3600),
    initdead: r.int(['heartbeat', 'initdead'], r.child(hbs, 'initdead'), 1, 3600),
    keepalive: r.int(['heartbeat', 'keepalive'], r.child(hbs, 'keepalive'), 1, 60),
    udpport: r.int(['heartbeat', 'udpport'], r.child(hbs, 'udpport'), 1, 65535),
    autoFailback: r.bool(['heartbeat', 'auto_failback'], r.child(hbs, 'auto_failback')),
    logfile: logFile(r, ['heartbeat', 'logfile'], r.child(hbs, 'logfile')),
    debugfile: logFile(r, ['heartbeat', 'debugfile'], r.child(hbs, 'debugfile')),
  };

  const hap = sub('haproxy', ['listen', 'port', 'balance', 'options', 'cookie', 'stats', 'timeouts'], ['check']);
  const cookie = hap && r.map(['haproxy', 'cookie'], r.child(hap, 'cookie'), ['name', 'mode']);
  const stats = hap && r.map(['haproxy', 'stats'], r.child(hap, 'stats'), ['uri', 'user']);
  const timeouts = hap && r.map(['haproxy', 'timeouts'], r.child(hap, 'timeouts'), ['connect', 'client', 'server']);
  const haproxy = hap && {
    listen: pattern(r, ['haproxy', 'listen'], r.child(hap, 'listen'), PATTERNS.token),
    port: port(r, ['haproxy', 'port'], r.child(hap, 'port')),
    balance: r.oneOf(['haproxy', 'balance'], r.child(hap, 'balance'), BALANCE_ALGORITHMS),
    options: r.oneOfList(['haproxy', 'options'], r.child(hap, 'options'), HAPROXY_OPTIONS),
    cookie: cookie && {
      name: pattern(r, ['haproxy', 'cookie', 'name'], r.child(cookie, 'name'), PATTERNS.token),
      mode: r.oneOf(['haproxy', 'cookie', 'mode'], r.child(cookie, 'mode'), COOKIE_MODES),
    },
    check: hap.has('check') ? healthCheck(r, r.child(hap, 'check')) : { ...HAPROXY_CHECK_DEFAULTS },
    stats: stats && {
      uri: pattern(r, ['haproxy', 'stats', 'uri'], r.child(stats, 'uri'), PATTERNS.uri),
      user: pattern(r, ['haproxy', 'stats', 'user'], r.child(stats, 'user'), PATTERNS.token),
    },
    timeouts: timeouts && {
      connect: haproxyTime(r, ['haproxy', 'timeouts', 'connect'], r.child(timeouts, 'connect')),
      client: haproxyTime(r, ['haproxy', 'timeouts', 'client'], r.child(timeouts, 'client')),
      server: haproxyTime(r, ['haproxy', 'timeouts', 'server'], r.child(timeouts, 'server')),
    },
  };

  const ngx = sub('nginx', ['page']);
  const nginx = ngx && { page: page(r, ['nginx', 'page'], r.child(ngx, 'page')) };

  if (r.issues.length > 0) return undefined;
  // Every field read cleanly, so every value above is defined.
  return { file, name, provider, box, networks: { lan, heartbeat: heartbeatNet }, vip, hosts, heartbeat, haproxy, nginx } as Lab;
}
