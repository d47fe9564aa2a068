// Rules that relate several fields of a structurally valid definition: addresses inside their
// networks, no duplicates, exactly one master, the VIP free. Each refusal points at the field.
import { formatCidr, isHostOf, overlaps } from './ipv4.ts';
import type { FieldReader } from './yaml-fields.ts';
import { isBalancer, type Lab } from './model.ts';
import { LAB_NETWORK_ALLOWED, networkRangeProblem } from './network-ranges.ts';
import { HEALTH_CHECK_BOUNDS } from './health-check.ts';
import { haproxyTimeMs } from './haproxy-time.ts';
import { haStackOf } from '../ha/stacks.ts';

/**
 * The namespace provider gives machine i the management address .10+i of a /24
 * (lib/providers/netns/wiring.ts, mgmtMachineAddress): .254 is the last, for the 245th host.
 */
export const MAX_HOSTS = 245;

/** The shortest `timeout client` V1's held request outlasts its requests with (lib/verify/checks/balancing.ts). */
export const MIN_CLIENT_TIMEOUT_MS = 10_000;

export function checkDefinition(r: FieldReader, lab: Lab): void {
  const { lan, heartbeat } = lab.networks;
  const lanText = formatCidr(lan.cidr);
  const hbText = formatCidr(heartbeat.cidr);

  if (!isHostOf(lan.cidr, lan.gateway)) {
    r.reportField(['networks', 'lan', 'gateway'], `${lan.gateway} is outside the LAN ${lanText}`, `a host address of ${lanText}`);
  }
  if (overlaps(lan.cidr, heartbeat.cidr)) {
    r.reportField(['networks', 'heartbeat', 'cidr'], `${hbText} overlaps the LAN ${lanText}`, 'a network separate from the LAN');
  }
  for (const [name, network] of [['lan', lan], ['heartbeat', heartbeat]] as const) {
    const problem = networkRangeProblem(network.cidr);
    if (problem) r.reportField(['networks', name, 'cidr'], `${formatCidr(network.cidr)} ${problem}`, LAB_NETWORK_ALLOWED);
  }
  if (lan.interface === heartbeat.interface) {
    r.reportField(['networks', 'heartbeat', 'interface'], `"${heartbeat.interface}" is already the LAN interface`, 'another interface name');
  }

  const names = new Map<string, number>();
  const lanAddresses = new Map<string, string>([[lan.gateway, 'networks.lan.gateway']]);
  const hbAddresses = new Map<string, string>();
  lab.hosts.forEach((host, i) => {
    const at = (field: string) => ['hosts', i, field];
    const first = names.get(host.name);
    if (first !== undefined) r.reportField(at('name'), `duplicate hostname "${host.name}" (also hosts[${first}])`, 'a name used by one host only');
    else names.set(host.name, i);

    if (!isHostOf(lan.cidr, host.lan)) {
      r.reportField(at('lan'), `${host.lan} is outside the LAN ${lanText}`, `a host address of ${lanText}`);
    } else if (lanAddresses.has(host.lan)) {
      r.reportField(at('lan'), `duplicate address ${host.lan} (also ${lanAddresses.get(host.lan)})`, 'an address used once');
    } else {
      lanAddresses.set(host.lan, `hosts[${i}].lan`);
    }

    if (isBalancer(host) && host.heartbeat === undefined) {
      r.reportField(at('role'), `balancer "${host.name}" has no heartbeat address`, `add hosts[${i}].heartbeat: a host address of ${hbText}`);
    }
    if (!isBalancer(host) && host.heartbeat !== undefined) {
      r.reportField(at('heartbeat'), `web server "${host.name}" must not be on the heartbeat network`, 'heartbeat addresses on master and backup hosts only');
    }
    if (host.heartbeat !== undefined && isBalancer(host)) {
      if (!isHostOf(heartbeat.cidr, host.heartbeat)) {
        r.reportField(at('heartbeat'), `${host.heartbeat} is outside the heartbeat network ${hbText}`, `a host address of ${hbText}`);
      } else if (hbAddresses.has(host.heartbeat)) {
        r.reportField(at('heartbeat'), `duplicate address ${host.heartbeat} (also ${hbAddresses.get(host.heartbeat)})`, 'an address used once');
      } else {
        hbAddresses.set(host.heartbeat, `hosts[${i}].heartbeat`);
      }
    }
  });

  if (lab.hosts.length > MAX_HOSTS) {
    r.reportField(['hosts'], `${lab.hosts.length} hosts are more than a lab can have`, `at most ${MAX_HOSTS} hosts: the namespace provider numbers their management addresses from .10 to .254 of one /24`);
  }
  // The namespace provider puts its LAN client on the highest address left free.
  const lanRoom = 2 ** (32 - lan.cidr.prefix) - 2;
  const lanTaken = lab.hosts.length + 2;
  if (lanTaken >= lanRoom) {
    r.reportField(['networks', 'lan', 'cidr'], `${lanText} has ${lanRoom} host addresses: the gateway, the VIP and ${lab.hosts.length} hosts leave none for the namespace provider's LAN client`, `a LAN with at least ${lanTaken + 1} host addresses`);
  }
  const sameName = lab.hosts.findIndex((h) => h.name === lab.vip.name);
  if (sameName >= 0) r.reportField(['vip', 'name'], `"${lab.vip.name}" is already the name of hosts[${sameName}]`, "the site's own name, not a host's");

  const masters = lab.hosts.flatMap((h, i) => (h.role === 'master' ? [i] : []));
  if (masters.length === 0) r.reportField(['hosts'], 'no host has role master', 'exactly one host with role: master');
  for (const i of masters.slice(1)) {
    r.reportField(['hosts', i, 'role'], `a second master (hosts[${masters[0]}] is already master)`, 'exactly one master; the other balancers are backup');
  }
  if (!lab.hosts.some((h) => h.role === 'backup')) r.reportField(['hosts'], 'no host has role backup: nothing to fail over to', 'one host with role: backup');
  haStackOf(lab).definition.checkLab(r, lab);
  const webCount = lab.hosts.filter((h) => h.role === 'web').length;
  if (webCount === 0) r.reportField(['hosts'], 'no host has role web: nothing to balance', 'at least two hosts with role: web');
  // With one server every request lands on it whatever the algorithm or the cookie says.
  if (webCount === 1) r.reportField(['hosts'], 'one web server only: lab:verify could not tell the balance algorithm or the cookie persistence from chance (V1), nor keep the site serving while V3 powers a web server off', 'at least two hosts with role: web');

  const vip = lab.vip.address;
  if (!isHostOf(lan.cidr, vip)) {
    r.reportField(['vip', 'address'], `${vip} is outside the LAN ${lanText}`, `a free host address of ${lanText}`);
  } else if (lanAddresses.has(vip)) {
    r.reportField(['vip', 'address'], `${vip} is already ${lanAddresses.get(vip)}`, `a free host address of ${lanText}, not the gateway nor a host's`);
  }

  checkHealthCheckWindows(r, lab);
  // V1 keeps one server busy with a request whose body never comes while it sends others beside
  // it; HAProxy ends such a request after `timeout client`.
  const clientMs = haproxyTimeMs(lab.haproxy.timeouts.client);
  if (clientMs < MIN_CLIENT_TIMEOUT_MS) {
    r.reportField(['haproxy', 'timeouts', 'client'], `${lab.haproxy.timeouts.client} is too short for lab:verify's V1, which holds a request open to one server (its body never sent) while it sends others, and HAProxy ends it after timeout client`, `${MIN_CLIENT_TIMEOUT_MS / 1000}s or more, such as 50s (the tutorial's)`);
  }
}

/** The windows lab:verify waits for (lib/verify/health-checks.ts), from the definition's health-check settings. */
function checkHealthCheckWindows(r: FieldReader, lab: Lab): void {
  const { inter, fall, rise } = lab.haproxy.check;
  const interMs = haproxyTimeMs(inter);
  const limit = HEALTH_CHECK_BOUNDS.windowMs;
  const s = (ms: number) => `${ms / 1000} s`;
  if (2 * fall * interMs > limit) {
    r.reportField(['haproxy', 'check'], `fall ${fall} × inter ${inter} gives a server ${s(2 * fall * interMs)} to show DOWN (a failing check waits inter, the next starts inter later): V3 keeps the farm under load that long`, `2 × fall × inter at most ${s(limit)}`);
  }
  if ((rise + 1) * interMs > limit) {
    r.reportField(['haproxy', 'check'], `rise ${rise} × inter ${inter} gives a server that came back ${s((rise + 1) * interMs)} to show UP: V1 and V3 wait that long`, `(rise + 1) × inter at most ${s(limit)}`);
  }
}
