// Structural reading of lab.yaml into the typed model: shapes, types and formats of each field.
// Rules that relate several fields live in check-definition.ts.
import type { Document, Node } from 'yaml';
import type { FieldPath, FieldReader } from './yaml-fields.ts';
import { BALANCE_ALGORITHMS, COOKIE_MODES, HOST_ROLES, LIBVIRT_DRIVERS, PROVIDER_CHOICES, type HealthCheckSettings, type Host, type Lab } from './model.ts';
import { HAPROXY_CHECK_DEFAULTS, HEALTH_CHECK_BOUNDS } from './health-check.ts';
import { HAPROXY_OPTIONS } from './haproxy-options.ts';
import { address, cidr, notReserved, pattern, PATTERNS } from './field-values.ts';
import { MAX_HAPROXY_TIME_MS, haproxyTimeMs } from './haproxy-time.ts';
import { RESERVED_HOST_NAMES, RESERVED_INTERFACES, RESERVED_PORTS } from './reserved-names.ts';
import { HA_STACKS } from '../ha/stacks.ts';
import { readHaSection } from './ha-section.ts';

type Reader = FieldReader;

function hostName(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(r, path, node, pattern(r, path, node, PATTERNS.hostname), RESERVED_HOST_NAMES, `another name than ${[...RESERVED_HOST_NAMES.keys()].join(', ')}`);
}

function siteName(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(r, path, node, pattern(r, path, node, PATTERNS.dnsName), RESERVED_HOST_NAMES, "the site's own DNS name, such as trabajoswap.com");
}

function iface(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(r, path, node, pattern(r, path, node, PATTERNS.iface), RESERVED_INTERFACES, 'the interface of that network inside the machines, such as eth1 or eth2');
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
  const root = r.map([], doc.contents, ['name', 'box', 'networks', 'vip', 'hosts', 'haproxy', 'nginx'], ['provider', 'ha', ...HA_STACKS.map((stack) => stack.name)]);
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

  // The HA stack, and each stack's own section: checked whichever stack runs, so that switching
  // is one word of ha.stack.
  const ha = readHaSection(r, at('ha'), root.has('ha'));
  const stackSettings = Object.fromEntries(HA_STACKS.map((stack) => [stack.name, root.has(stack.name) ? stack.definition.read(r, at(stack.name)) : { ...stack.definition.defaults }]));

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
  return { file, name, provider, box, networks: { lan, heartbeat: heartbeatNet }, vip, hosts, ha, ...stackSettings, haproxy, nginx } as Lab;
}
