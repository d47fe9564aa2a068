// Rules that relate several fields of a structurally valid definition: addresses inside their
// networks, no duplicates, exactly one master, the VIP free. Each refusal points at the field.
// Then each component's rules on its section and each provider's rules, as handed in.
import { formatCidr, isHostOf, overlaps } from './ipv4.ts';
import type { FieldReader } from './yaml-fields.ts';
import { isBalancer, type Lab } from './model.ts';
import type { DefinitionParts } from './definition-parts.ts';
import { labNetworkAllowed, networkRangeProblem } from './network-ranges.ts';

export function checkDefinition(r: FieldReader, lab: Lab, parts: DefinitionParts): void {
  const { lan, heartbeat } = lab.networks;
  const lanText = formatCidr(lan.cidr);
  const hbText = formatCidr(heartbeat.cidr);

  if (!isHostOf(lan.cidr, lan.gateway)) {
    r.reportField(
      ['networks', 'lan', 'gateway'],
      `${lan.gateway} is outside the LAN ${lanText}`,
      `a host address of ${lanText}`,
    );
  }
  if (overlaps(lan.cidr, heartbeat.cidr)) {
    r.reportField(
      ['networks', 'heartbeat', 'cidr'],
      `${hbText} overlaps the LAN ${lanText}`,
      'a network separate from the LAN',
    );
  }
  for (const [name, network] of [
    ['lan', lan],
    ['heartbeat', heartbeat],
  ] as const) {
    const problem = networkRangeProblem(network.cidr, parts.reservedRanges);
    if (problem)
      r.reportField(
        ['networks', name, 'cidr'],
        `${formatCidr(network.cidr)} ${problem}`,
        labNetworkAllowed(parts.reservedRanges),
      );
  }
  if (lan.interface === heartbeat.interface) {
    r.reportField(
      ['networks', 'heartbeat', 'interface'],
      `"${heartbeat.interface}" is already the LAN interface`,
      'another interface name',
    );
  }

  const names = new Map<string, number>();
  const lanAddresses = new Map<string, string>([[lan.gateway, 'networks.lan.gateway']]);
  const hbAddresses = new Map<string, string>();
  lab.hosts.forEach((host, i) => {
    const at = (field: string) => ['hosts', i, field];
    const first = names.get(host.name);
    if (first !== undefined)
      r.reportField(
        at('name'),
        `duplicate hostname "${host.name}" (also hosts[${first}])`,
        'a name used by one host only',
      );
    else names.set(host.name, i);

    if (!isHostOf(lan.cidr, host.lan)) {
      r.reportField(at('lan'), `${host.lan} is outside the LAN ${lanText}`, `a host address of ${lanText}`);
    } else if (lanAddresses.has(host.lan)) {
      r.reportField(
        at('lan'),
        `duplicate address ${host.lan} (also ${lanAddresses.get(host.lan)})`,
        'an address used once',
      );
    } else {
      lanAddresses.set(host.lan, `hosts[${i}].lan`);
    }

    if (isBalancer(host) && host.heartbeat === undefined) {
      r.reportField(
        at('role'),
        `balancer "${host.name}" has no heartbeat address`,
        `add hosts[${i}].heartbeat: a host address of ${hbText}`,
      );
    }
    if (!isBalancer(host) && host.heartbeat !== undefined) {
      r.reportField(
        at('heartbeat'),
        `web server "${host.name}" must not be on the heartbeat network`,
        'heartbeat addresses on master and backup hosts only',
      );
    }
    if (host.heartbeat !== undefined && isBalancer(host)) {
      if (!isHostOf(heartbeat.cidr, host.heartbeat)) {
        r.reportField(
          at('heartbeat'),
          `${host.heartbeat} is outside the heartbeat network ${hbText}`,
          `a host address of ${hbText}`,
        );
      } else if (hbAddresses.has(host.heartbeat)) {
        r.reportField(
          at('heartbeat'),
          `duplicate address ${host.heartbeat} (also ${hbAddresses.get(host.heartbeat)})`,
          'an address used once',
        );
      } else {
        hbAddresses.set(host.heartbeat, `hosts[${i}].heartbeat`);
      }
    }
  });

  const sameName = lab.hosts.findIndex((h) => h.name === lab.vip.name);
  if (sameName >= 0)
    r.reportField(
      ['vip', 'name'],
      `"${lab.vip.name}" is already the name of hosts[${sameName}]`,
      "the site's own name, not a host's",
    );

  const masters = lab.hosts.flatMap((h, i) => (h.role === 'master' ? [i] : []));
  if (masters.length === 0) r.reportField(['hosts'], 'no host has role master', 'exactly one host with role: master');
  for (const i of masters.slice(1)) {
    r.reportField(
      ['hosts', i, 'role'],
      `a second master (hosts[${masters[0]}] is already master)`,
      'exactly one master; the other balancers are backup',
    );
  }
  if (!lab.hosts.some((h) => h.role === 'backup'))
    r.reportField(['hosts'], 'no host has role backup: nothing to fail over to', 'one host with role: backup');
  const webCount = lab.hosts.filter((h) => h.role === 'web').length;
  if (webCount === 0)
    r.reportField(['hosts'], 'no host has role web: nothing to balance', 'at least two hosts with role: web');
  // With one server every request lands on it whatever the algorithm or the cookie says.
  if (webCount === 1)
    r.reportField(
      ['hosts'],
      'one web server only: lab:verify could not tell the balance algorithm or the cookie persistence from chance (V1), nor keep the site serving while V3 powers a web server off',
      'at least two hosts with role: web',
    );

  const vip = lab.vip.address;
  if (!isHostOf(lan.cidr, vip)) {
    r.reportField(['vip', 'address'], `${vip} is outside the LAN ${lanText}`, `a free host address of ${lanText}`);
  } else if (lanAddresses.has(vip)) {
    r.reportField(
      ['vip', 'address'],
      `${vip} is already ${lanAddresses.get(vip)}`,
      `a free host address of ${lanText}, not the gateway nor a host's`,
    );
  }

  for (const section of parts.sections) section.checkLab?.(r, lab);
  for (const rule of parts.rules) rule(r, lab);
}
