// Structural reading of lab.yaml into the typed model: shapes, types and formats of each field;
// each component's section is read by the section it hands in (DefinitionParts). Rules that
// relate several fields live in check-definition.ts.
import type { Document, Node } from 'yaml';
import { farmFacts, type BoxField, type DefinitionParts } from './definition-parts.ts';
import type { FieldPath, FieldReader } from './yaml-fields.ts';
import { AUTO_PROVIDER, HOST_ROLES, type Host, type Lab } from './model.ts';
import { address, cidr, hostName, notReserved, pattern, PATTERNS } from './field-values.ts';
import { RESERVED_HOST_NAMES, RESERVED_INTERFACES } from './reserved-names.ts';
import { readHaSection } from './ha-section.ts';

type Reader = FieldReader;

function machineName(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(
    r,
    path,
    node,
    hostName(r, path, node, PATTERNS.hostname),
    RESERVED_HOST_NAMES,
    `another name than ${[...RESERVED_HOST_NAMES.keys()].join(', ')}`,
  );
}

function siteName(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(
    r,
    path,
    node,
    hostName(r, path, node, PATTERNS.dnsName),
    RESERVED_HOST_NAMES,
    "the site's own DNS name, such as trabajoswap.com",
  );
}

function iface(r: Reader, path: FieldPath, node: unknown): string | undefined {
  return notReserved(
    r,
    path,
    node,
    pattern(r, path, node, PATTERNS.iface),
    RESERVED_INTERFACES,
    'the interface of that network inside the machines, such as eth1 or eth2',
  );
}

function readHost(r: Reader, path: FieldPath, node: Node, box: { memory?: number; cpus?: number }): Partial<Host> {
  const map = r.map(path, node, ['name', 'role', 'lan'], ['heartbeat', 'memory', 'cpus']);
  if (!map) return {};
  const get = (key: string) => r.child(map, key);
  const host: Partial<Host> = {
    name: machineName(r, [...path, 'name'], get('name')),
    role: r.oneOf([...path, 'role'], get('role'), HOST_ROLES),
    lan: address(r, [...path, 'lan'], get('lan')),
    memory: map.has('memory') ? r.int([...path, 'memory'], get('memory'), 128, 65536) : box.memory,
    cpus: map.has('cpus') ? r.int([...path, 'cpus'], get('cpus'), 1, 32) : box.cpus,
  };
  if (map.has('heartbeat')) host.heartbeat = address(r, [...path, 'heartbeat'], get('heartbeat'));
  return host;
}

/** Reads the document; returns a model only when every field read cleanly. */
export function readDefinition(r: Reader, doc: Document, file: string, parts: DefinitionParts): Lab | undefined {
  const required = parts.sections.filter((section) => !section.defaults).map((section) => section.key);
  const optional = parts.sections.filter((section) => section.defaults).map((section) => section.key);
  const root = r.map(
    [],
    doc.contents,
    ['name', 'box', 'networks', 'vip', 'hosts', ...required],
    ['provider', 'ha', ...optional],
  );
  if (!root) return undefined;
  const at = (key: string) => root.get(key, true) as Node | undefined;
  const sub = (key: string, required: string[], optional: string[] = []) => r.map([key], at(key), required, optional);

  const name = pattern(r, ['name'], at('name'), PATTERNS.labName);
  const provider = root.has('provider')
    ? r.oneOf(['provider'], at('provider'), [AUTO_PROVIDER, ...parts.providers])
    : AUTO_PROVIDER;

  const boxMap = sub(
    'box',
    ['name', 'memory', 'cpus'],
    parts.boxFields.map((field) => field.key),
  );
  const boxField = (field: BoxField) => [
    field.property,
    boxMap?.has(field.key) ? field.read(r, ['box', field.key], r.child(boxMap, field.key)) : field.default,
  ];
  const box = boxMap && {
    name: pattern(r, ['box', 'name'], r.child(boxMap, 'name'), PATTERNS.box),
    memory: r.int(['box', 'memory'], r.child(boxMap, 'memory'), 128, 65536),
    cpus: r.int(['box', 'cpus'], r.child(boxMap, 'cpus'), 1, 32),
    ...Object.fromEntries(parts.boxFields.map(boxField)),
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

  // The HA stack, and each component's section: a stack's is checked whichever stack runs, so
  // that switching is one word of ha.stack.
  const ha = readHaSection(r, at('ha'), root.has('ha'), parts.haStacks);
  const farm = farmFacts(parts.sections);
  const sections = Object.fromEntries(
    parts.sections.map((section) => [
      section.key,
      root.has(section.key) ? section.read(r, at(section.key), farm) : { ...section.defaults },
    ]),
  );

  if (r.issues.length > 0) return undefined;
  // Every field read cleanly, so every value above is defined.
  return { file, name, provider, box, networks: { lan, heartbeat: heartbeatNet }, vip, hosts, ha, ...sections } as Lab;
}
