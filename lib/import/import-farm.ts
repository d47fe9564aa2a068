// lab:import: the definition of a farm built by hand, written from what its machines hold, so
// that a student does not describe by hand what they built. hafarm logs in to each machine
// (changing nothing), reads what the components say their sections come from (roles/*-import.ts),
// finds the roles (a balancer holds haproxy.cfg, a web server nginx's site), the master and the
// VIP (the HA stack's resource line), the networks (the addresses the machines hold), and writes
// the definition with provider existing; what it could not read keeps the tutorial's value, said.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPONENTS } from '../../roles/components.ts';
import type { ImportedFarm, StackFacts } from '../../roles/farm-import.ts';
import { interfaceHolding, shown, type MachineHoldings } from '../../roles/mistakes.ts';
import { KnownHosts } from '../engine/ssh/known-hosts.ts';
import { SshConnection } from '../engine/ssh/ssh-connection.ts';
import { readHoldings, readMachineFile } from '../farm/read-holdings.ts';
import { formatCidr, fromInt, networkOf, toInt } from '../lab/ipv4.ts';
import { PATTERNS } from '../lab/field-values.ts';
import { UserFacingError } from '../user-facing-error.ts';
import { definitionYaml } from './definition-yaml.ts';

export interface MachineToImport {
  name: string;
  user: string;
  host: string;
  port: number;
}

export interface ImportRequest {
  name: string;
  machines: readonly MachineToImport[];
  /** the key as the user gave it (written into the definition as given) and as a path here */
  key: { given: string; path: string };
  become: 'none' | 'sudo';
}

export class ImportFailed extends UserFacingError {
  override name = 'ImportFailed';
}

const HOSTS_FILE = '/etc/hosts';
const SITE_FILE = '/etc/nginx/sites-enabled/default';

/** Every machine's holdings, read over SSH in parallel; the machines that cannot be read, said. */
async function readMachines(request: ImportRequest): Promise<Map<string, MachineHoldings>> {
  const files = [HOSTS_FILE, ...new Set(COMPONENTS.flatMap((c) => c.imports?.files ?? []))];
  // First contact: the keys are checked within this run; lab:up records them in the lab's state.
  const scratch = mkdtempSync(join(tmpdir(), 'hafarm-import-'));
  const knownHosts = new KnownHosts(join(scratch, 'known_hosts'));
  const holdings = new Map<string, MachineHoldings>();
  const problems: string[] = [];
  try {
    await Promise.all(
      request.machines.map(async (m) => {
        const connection = new SshConnection(
          { host: m.name, address: m.host, port: m.port, user: m.user, privateKeyFile: request.key.path },
          { knownHosts, connectTimeoutMs: 20_000, commandTimeoutMs: 30_000 },
        );
        try {
          await connection.connect();
          const exec = (_host: string, command: string) => connection.exec(command);
          const first = await readHoldings(exec, m.name, {
            files,
            sysctls: [],
            processes: ['heartbeat', 'haproxy', 'nginx'],
          });
          // what the first files name: the page in the root the site serves
          const more = [...new Set(COMPONENTS.flatMap((c) => c.imports?.moreFiles?.(first) ?? []))];
          const read = new Map(first.files);
          for (const path of more) {
            const file = await readMachineFile(exec, m.name, path);
            if (file) read.set(path, file);
          }
          holdings.set(m.name, { ...first, files: read });
        } catch (error) {
          problems.push(`${m.name}: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          connection.close();
        }
      }),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (problems.length > 0)
    throw new ImportFailed(
      `lab:import could not read every machine (nothing was written):\n  ${problems.sort().join('\n  ')}`,
    );
  return holdings;
}

export interface Imported {
  text: string;
  notes: string[];
}

export async function importFarm(request: ImportRequest): Promise<Imported> {
  const holdings = await readMachines(request);
  return farmDefinition(request, holdings);
}

/** The definition from what the machines hold: pure, so that every rule of it is tested without machines. */
export function farmDefinition(request: ImportRequest, holdings: ReadonlyMap<string, MachineHoldings>): Imported {
  const problems: string[] = [];
  const notes: string[] = [];
  const names = request.machines.map((m) => m.name);
  const holds = (name: string, path: string) => holdings.get(name)?.files.has(path) === true;
  const balancers = names.filter((n) => holds(n, '/etc/haproxy/haproxy.cfg'));
  const web = names.filter(
    (n) => !balancers.includes(n) && (holds(n, SITE_FILE) || holdings.get(n)?.processes.get('nginx') === true),
  );
  for (const n of names.filter((n) => !balancers.includes(n) && !web.includes(n)))
    problems.push(`${n} holds neither /etc/haproxy/haproxy.cfg (a balancer, T8) nor nginx's site (a web server, T10)`);
  if (balancers.length !== 2)
    problems.push(`${balancers.length} balancers (${balancers.join(', ') || 'none'}): the tutorial's farm has two`);
  if (web.length < 2)
    problems.push(`${web.length} web servers (${web.join(', ') || 'none'}): hafarm needs at least two`);

  // The master and the VIP, from the HA stack's resource line on a balancer.
  const stack = COMPONENTS.find((c) => c.imports?.stackFacts);
  let facts: StackFacts | undefined;
  const said: string[] = [];
  for (const b of balancers) {
    const found = stack?.imports?.stackFacts?.(holdings.get(b)!);
    if (found && !('problem' in found)) {
      facts = found;
      break;
    }
    if (found) said.push(found.problem);
  }
  if (!facts)
    problems.push(
      `no balancer says who holds the VIP: ${said.join('; ') || 'no balancer'} (lab:import reads Heartbeat farms, the tutorial's)`,
    );
  const master =
    facts && balancers.find((b) => holdings.get(b)!.nodeName === facts.masterNode || b === facts.masterNode);
  if (facts && !master)
    problems.push(
      `the master ${shown(facts.masterNode)} (haresources, T7) is none of the balancers (${balancers.map((b) => `${b}: uname -n ${shown(holdings.get(b)!.nodeName)}`).join(', ')})`,
    );
  if (problems.length > 0 || !facts || !master)
    throw new ImportFailed(
      `lab:import cannot write the definition of this farm (nothing was written):\n  ${problems.join('\n  ')}`,
    );

  // The networks: the LAN is the VIP's; each machine's address in it; the heartbeat network is
  // the one on the interface the stack speaks on (ha.cf's bcast).
  const lan = formatCidr(networkOf(facts.vip.address, facts.vip.prefix));
  const addressIn = (name: string, network: string) =>
    [...holdings.get(name)!.interfaces.values()]
      .flat()
      .map((a) => a.split('/')[0]!)
      .find((a) => a !== facts.vip.address && formatCidr(networkOf(a, Number(network.split('/')[1]))) === network);
  const lanOf = new Map(names.map((n) => [n, addressIn(n, lan)]));
  for (const [n, address] of lanOf) if (!address) problems.push(`${n} has no address in the VIP's network ${lan} (T3)`);
  const lanInterface =
    interfaceHolding(holdings.get(master)!, lanOf.get(master) ?? '')?.name ?? facts.vip.interface ?? 'eth1';
  const hbInterface = facts.heartbeatInterface;
  const hbHeld = hbInterface ? holdings.get(master)!.interfaces.get(hbInterface)?.[0] : undefined;
  if (!hbInterface || !hbHeld)
    problems.push(
      `no heartbeat network: ${hbInterface ? `${master} has no address on ${shown(hbInterface)}, ha.cf's bcast` : 'ha.cf on the master has no bcast line'} (T5)`,
    );
  const heartbeat = hbHeld ? formatCidr(networkOf(hbHeld.split('/')[0]!, Number(hbHeld.split('/')[1]))) : '';
  const hbOf = new Map(balancers.map((b) => [b, hbHeld ? addressIn(b, heartbeat) : undefined]));
  for (const [b, address] of hbOf)
    if (hbHeld && !address) problems.push(`${b} has no address in the heartbeat network ${heartbeat} (T3)`);
  if (problems.length > 0)
    throw new ImportFailed(
      `lab:import cannot write the definition of this farm (nothing was written):\n  ${problems.join('\n  ')}`,
    );

  const hostsLine = (holdings.get(master)!.files.get(HOSTS_FILE)?.content ?? '')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
    .find((words) => words[0] === facts.vip.address);
  const vipName = hostsLine?.slice(1).find((n) => PATTERNS.dnsName.re.test(n) && /[a-z]/.test(n));
  if (!vipName)
    notes.push(`vip.name: ${master}'s /etc/hosts names no site for ${facts.vip.address} (T2); trabajoswap.com kept`);
  const farm: ImportedFarm = {
    balancers,
    web,
    master,
    vip: { address: facts.vip.address, name: vipName ?? 'trabajoswap.com' },
    lanInterface,
    heartbeatInterface: hbInterface!,
  };
  const gateway = fromInt(toInt(lan.split('/')[0]!) + 1);
  notes.push(
    `networks.lan.gateway: not read from the machines; ${gateway}, the first address of the LAN, as the tutorial's`,
  );
  const sections = COMPONENTS.flatMap((c) => {
    if (!c.imports || !c.section) return [];
    const read = c.imports.section(holdings, farm);
    notes.push(...read.notes);
    return [[c.section.key, read.values] as const];
  });
  // the web servers as HAProxy's server lines order them (their cookie labels follow), the rest after
  const webLan = new Map(web.map((n) => [n, lanOf.get(n)!]));
  const listed = COMPONENTS.map((c) => c.imports?.webOrder?.(holdings.get(master)!, webLan)).find(Boolean) ?? [];
  const ordered = [
    master,
    ...balancers.filter((b) => b !== master),
    ...listed,
    ...web.filter((n) => !listed.includes(n)),
  ];
  const definition = {
    name: request.name,
    provider: 'existing',
    // required of every definition; the existing provider boots no box
    box: { name: 'debian/bookworm64', memory: 512, cpus: 1 },
    networks: {
      lan: { cidr: lan, gateway, interface: lanInterface },
      heartbeat: { cidr: heartbeat, interface: hbInterface! },
    },
    vip: farm.vip,
    hosts: ordered.map((n) => ({
      name: n,
      role: n === master ? 'master' : balancers.includes(n) ? 'backup' : 'web',
      lan: lanOf.get(n)!,
      ...(balancers.includes(n) ? { heartbeat: hbOf.get(n)! } : {}),
    })),
    ...Object.fromEntries(sections),
    existing: Object.fromEntries(
      request.machines.map((m) => [
        m.name,
        { ssh: { host: m.host, port: m.port, user: m.user, key: request.key.given, become: request.become } },
      ]),
    ),
  };
  return { text: definitionYaml(definition, names, new Date()), notes };
}
