// The lab as a Graphviz graph (DOT), drawn from the definition alone: the three networks with
// their CIDRs and interfaces, every machine with its role and addresses, an edge from each machine
// to each network it is on, and the VIP on the LAN tied to the balancer that holds it (to every
// balancer, dashed, when that is not known). Graphviz places it all, for any farm size.
// Node IDs are made here (host_0, net_lan), never taken from the definition; every label is an
// HTML-like label whose text goes through labelText().
import { haStackOf } from '../../roles/components.ts';
import { formatCidr } from '../lab/ipv4.ts';
import { balancers, webServers, type Host, type Lab, type ProviderChoice } from '../lab/model.ts';
import { labelText } from './html-label.ts';
import { managementNetwork } from './management-network.ts';
import { describeHolding, type VipHolding } from './vip-holding.ts';
import { english, type Speaker } from '../said.ts';

export interface TopologyView {
  /** the provider the lab is up with, or the definition's choice when it is not up */
  provider: ProviderChoice;
  holding: VipHolding;
  /** the language of its words (the report's, --lang); English when not given */
  say?: Speaker;
}

/** The fills of the picture; the rendering test looks for them in Chromium's screenshot. */
export const COLOURS = {
  balancer: '#d6e6ff',
  web: '#d9f2d9',
  network: '#eeeeee',
  heartbeat: '#ffedcc',
  vip: '#ffe0e0',
  held: '#c62828',
  line: '#555555',
  mgmt: '#999999',
};

interface Row {
  text: string;
  bold?: boolean;
  colour?: string;
}

/** An HTML-like label: a box of rows, each row's text escaped. */
function box(fill: string, rows: Row[], border = 1, borderColour = COLOURS.line): string {
  const cells = rows.map((r) => {
    let text = labelText(r.text);
    if (r.bold) text = `<b>${text}</b>`;
    if (r.colour) text = `<font color="${r.colour}">${text}</font>`;
    return `<tr><td>${text}</td></tr>`;
  });
  return `<<table border="${border}" color="${borderColour}" cellborder="0" cellspacing="0" cellpadding="3" bgcolor="${fill}">${cells.join('')}</table>>`;
}

/** Lines of plain text, escaped, as an HTML-like label. */
function textLines(...lines: string[]): string {
  return `<${lines.map(labelText).join('<br/>')}>`;
}

function attributes(attrs: Record<string, string>): string {
  // Values here are either an HTML-like label (<...>) or one of this file's own words.
  return Object.entries(attrs)
    .map(([k, v]) => `${k}=${v.startsWith('<') ? v : `"${v}"`}`)
    .join(', ');
}

function roleWords(lab: Lab, host: Host, say: Speaker): string {
  if (host.role === 'web') return say('web server (nginx)', 'servidor web (nginx)');
  const stack = haStackOf(lab).title;
  const role = host.role === 'master' ? say('master', 'maestro') : say('backup', 'respaldo');
  return say(`balancer, ${host.role} (HAProxy, ${stack})`, `balanceador, ${role} (HAProxy, ${stack})`);
}

export function topologyDot(lab: Lab, view: TopologyView): string {
  const { lan, heartbeat } = lab.networks;
  const stack = haStackOf(lab);
  const say = view.say ?? english;
  const mgmt = managementNetwork(lab, view.provider, say);
  const { holders } = view.holding;
  const id = (host: Host): string => `host_${lab.hosts.indexOf(host)}`;
  const lines: string[] = [];
  const node = (name: string, attrs: Record<string, string>): void =>
    void lines.push(`  ${name} [${attributes(attrs)}];`);
  const edge = (a: string, b: string, attrs: Record<string, string> = {}): void =>
    void lines.push(`  ${a} -- ${b} [${attributes(attrs)}];`);

  const [b, w] = [balancers(lab).length, webServers(lab).length];
  const title = [
    say(
      `lab "${lab.name}": ${b} balancers, ${w} web servers`,
      `laboratorio "${lab.name}": ${b} ${b === 1 ? 'balanceador' : 'balanceadores'}, ${w} ${w === 1 ? 'servidor web' : 'servidores web'}`,
    ),
    `${say('HA stack', 'Pila de alta disponibilidad')}: ${say.said(stack.describe(lab))}`,
  ];
  const hbCidr = formatCidr(heartbeat.cidr);
  node('net_hb', {
    label: box(COLOURS.heartbeat, [
      { text: say(`heartbeat network ${hbCidr}`, `red de latidos ${hbCidr}`), bold: true },
      { text: say(`${heartbeat.interface} on the balancers only`, `${heartbeat.interface} solo en los balanceadores`) },
      { text: `${stack.title}: ${say.said(stack.announcements.describe(lab))}` },
    ]),
  });
  node('net_lan', {
    label: box(COLOURS.network, [
      { text: `LAN ${formatCidr(lan.cidr)}`, bold: true },
      {
        text: say(
          `${lan.interface} on every machine, gateway ${lan.gateway}`,
          `${lan.interface} en cada máquina, puerta de enlace ${lan.gateway}`,
        ),
      },
      ...(lab.ha.paths.includes('lan')
        ? [{ text: say(`also a path of ${stack.title} (ha.paths)`, `también una vía de ${stack.title} (ha.paths)`) }]
        : []),
    ]),
  });
  node('net_mgmt', {
    label: box(
      COLOURS.network,
      [{ text: `${mgmt.title} (${mgmt.interface})`, bold: true }, ...mgmt.lines.map((text) => ({ text }))],
      1,
      COLOURS.mgmt,
    ),
  });
  node('vip', {
    shape: 'plain',
    label: box(
      COLOURS.vip,
      [
        { text: `VIP ${lab.vip.address}`, bold: true },
        { text: lab.vip.name },
        { text: describeHolding(view.holding, say), colour: holders.length > 0 ? COLOURS.held : undefined },
      ],
      2,
      COLOURS.held,
    ),
  });

  for (const host of lab.hosts) {
    const held = holders.includes(host.name);
    node(id(host), {
      label: box(
        host.role === 'web' ? COLOURS.web : COLOURS.balancer,
        [
          { text: host.name, bold: true },
          { text: roleWords(lab, host, say) },
          { text: `${lan.interface} ${host.lan}` },
          ...(host.heartbeat ? [{ text: `${heartbeat.interface} ${host.heartbeat}` }] : []),
          ...(held ? [{ text: say('holds the VIP', 'tiene la VIP'), bold: true, colour: COLOURS.held }] : []),
        ],
        held ? 3 : 1,
        held ? COLOURS.held : COLOURS.line,
      ),
    });
  }

  // Edge order gives the ranks: heartbeat network, balancers, VIP, LAN, web servers, management.
  for (const host of balancers(lab))
    edge('net_hb', id(host), { label: textLines(heartbeat.interface, host.heartbeat ?? '') });
  for (const host of balancers(lab)) {
    const held = holders.includes(host.name);
    if (held)
      edge(id(host), 'vip', { color: COLOURS.held, penwidth: '2.5', label: textLines(say('holds', 'la tiene')) });
    else if (holders.length === 0) edge(id(host), 'vip', { color: COLOURS.held, style: 'dashed' });
  }
  edge('vip', 'net_lan', { color: COLOURS.held, label: textLines(lan.interface) });
  for (const host of balancers(lab)) edge(id(host), 'net_lan', { label: textLines(lan.interface, host.lan) });
  for (const host of webServers(lab)) edge('net_lan', id(host), { label: textLines(lan.interface, host.lan) });
  for (const host of webServers(lab))
    edge(id(host), 'net_mgmt', { color: COLOURS.mgmt, style: 'dotted', label: textLines(mgmt.interface) });
  // The balancers' management links must not pull the management network up between them.
  for (const host of balancers(lab))
    edge(id(host), 'net_mgmt', {
      color: COLOURS.mgmt,
      style: 'dotted',
      constraint: 'false',
      label: textLines(mgmt.interface),
    });

  return [
    'graph lab {',
    `  graph [${attributes({ label: textLines(...title), labelloc: 't', ordering: 'out', fontname: 'Verdana', fontsize: '13', nodesep: '0.3', ranksep: '0.45', pad: '0.2', bgcolor: 'white' })}];`,
    `  node [${attributes({ shape: 'plain', fontname: 'Verdana', fontsize: '11' })}];`,
    `  edge [${attributes({ fontname: 'Verdana', fontsize: '9', color: COLOURS.line, fontcolor: '#333333' })}];`,
    `  { rank=same; ${balancers(lab).map(id).join('; ')}; }`,
    `  { rank=same; ${webServers(lab).map(id).join('; ')}; }`,
    ...lines,
    '}',
    '',
  ].join('\n');
}
