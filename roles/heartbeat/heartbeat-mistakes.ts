// The mistakes a student makes following T5–T7 and T11 by hand, found in what the balancers hold:
// ha.cf, authkeys and haresources as Heartbeat 3 reads them (its config.c: `#` starts a comment
// anywhere in ha.cf, an unknown first word is "Illegal directive" and stops it, a node is known
// by `uname -n`; authkeys refused when group or others may read it; haresources' first word must
// be a node), and whether Heartbeat runs. A mistake that keeps Heartbeat from starting says so
// when it does not run; only a stop nothing explains is a finding of its own (T11).
import { balancers, type Host, type Lab } from '../../lib/lab/model.ts';
import {
  configLines,
  interfaceHolding,
  joined,
  shown,
  type ConfigLine,
  type Finding,
  type MachineHoldings,
  type MistakeFinder,
} from '../mistakes.ts';
import type { Said } from '../../lib/said.ts';

export const HA_CF = '/etc/ha.d/ha.cf';
export const AUTHKEYS = '/etc/ha.d/authkeys';
export const HARESOURCES = '/etc/ha.d/haresources';

/** Heartbeat 3's ha.cf directives (config.c's Directives and WLdirectives) and its media plugins. */
const DIRECTIVES = new Set([
  'node',
  'hopfudge',
  'keepalive',
  'deadtime',
  'deadping',
  'warntime',
  'initdead',
  'watchdog',
  'baud',
  'udpport',
  'logfacility',
  'logfile',
  'debugfile',
  'nice_failback',
  'auto_failback',
  'rtprio',
  'hbgenmethod',
  'realtime',
  'debug',
  'normalpoll',
  'msgfmt',
  'use_logd',
  'conn_logd_time',
  'log_badpack',
  'use_apphbd',
  'coredumps',
  'coreroot',
  'crm',
  'pacemaker',
  'autojoin',
  'uuidfrom',
  'compression',
  'compression_threshold',
  'traditional_compression',
  'env',
  'max_rexmit_delay',
  'record_config_changes',
  'record_pengine_inputs',
  'enable_config_writes',
  'memreserve',
  'quorum_server',
  'syslogmsgfmt',
  'stonith',
  'stonith_host',
  'respawn',
  'apiauth',
  'bcast',
  'udp',
  'mcast',
  'mcast6',
  'ucast',
  'serial',
  'ping',
  'ping_group',
  'hbaping',
  'openais',
]);

/** Heartbeat's authentication methods, and whether each needs a secret after it. */
const AUTH_METHODS: ReadonlyMap<string, boolean> = new Map([
  ['crc', false],
  ['sha1', true],
  ['md5', true],
]);

/** How many lines a finding quotes at most. */
const MAX_QUOTED = 5;

const RESTART: Said = {
  en: 'restart Heartbeat (/etc/init.d/heartbeat restart)',
  es: 'reinicia Heartbeat (/etc/init.d/heartbeat restart)',
};

interface Found extends Finding {
  /** Heartbeat does not start with this mistake */
  stops: boolean;
  /** the node lines of ha.cf, which haresources' first word must be among too */
  nodes?: true;
}

/** What one balancer's files say, as the checks across balancers need it. */
interface Read {
  host: Host;
  machine: MachineHoldings;
  found: Found[];
  /** authkeys' lines as Heartbeat reads them, when the file is there and sound */
  authkeys?: string[];
  /** haresources' lines, interfaces left out (each machine names its own), when there and sound */
  haresources?: string[];
}

function finding(step: string, host: Host, stops: boolean, wrong: Said, fix: Said): Found {
  return { step, host: host.name, stops, wrong, fix };
}

function lines(content: string): string[] {
  return content.split(/\r\n|\n|\r/);
}

/** `node`, `bcast`… with the rest of the line, as quoted in a finding. */
function quote(line: ConfigLine): string {
  return `\`${shown(line.words.join(' '))}\``;
}

/** The machine's `uname -n`, when it was read. */
function nodeNameOf(machine: MachineHoldings | undefined): string | undefined {
  const name = machine?.nodeName.trim();
  return name ? name : undefined;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function interfacesOf(machine: MachineHoldings): string {
  const names = [...machine.interfaces.keys()].slice(0, 2 * MAX_QUOTED).map(shown);
  const more = machine.interfaces.size > names.length ? ', …' : '';
  return names.length > 0 ? `${names.join(', ')}${more}` : '–';
}

/** What an interface carries, in words: the LAN, the heartbeat network, other addresses or none. */
function carries(host: Host, machine: MachineHoldings, iface: string): Said {
  const addresses = (machine.interfaces.get(iface) ?? []).map(shown);
  const lan = addresses.find((a) => a.split('/')[0] === host.lan);
  const hb = addresses.find((a) => a.split('/')[0] === host.heartbeat);
  if (lan) return { en: `the LAN (${lan})`, es: `la LAN (${lan})` };
  if (hb) return { en: `the heartbeat network (${hb})`, es: `la red de heartbeat (${hb})` };
  if (addresses.length === 0) return { en: 'no IPv4 address', es: 'ninguna dirección IPv4' };
  return { en: addresses.slice(0, MAX_QUOTED).join(', '), es: addresses.slice(0, MAX_QUOTED).join(', ') };
}

/** The interfaces a line of media names: bcast's list, ucast's and mcast's first word. */
function mediaInterfaces(line: ConfigLine): string[] {
  const values = line.words
    .slice(1)
    .flatMap((w) => w.split(','))
    .filter(Boolean);
  return line.words[0] === 'bcast' || line.words[0] === 'udp' ? values : values.slice(0, 1);
}

const isBcast = (line: ConfigLine) => line.words[0] === 'bcast' || line.words[0] === 'udp';

// ---- ha.cf (T5) ----

function haCfFindings(lab: Lab, host: Host, machine: MachineHoldings, members: Host[], all: HoldingsOf): Found[] {
  const file = machine.files.get(HA_CF);
  const hb = host.heartbeat && interfaceHolding(machine, host.heartbeat);
  const hbIface = hb ? shown(hb.name) : lab.networks.heartbeat.interface;
  if (!file) {
    return [
      finding(
        'T5',
        host,
        true,
        {
          en: `${HA_CF} is missing: Heartbeat has no configuration to start with`,
          es: `${HA_CF} no existe en tu ${host.name}: Heartbeat no tiene configuración con la que arrancar`,
        },
        {
          en: `create ${HA_CF} as in step T5 (logfile, debugfile, deadtime, warntime, initdead, \`bcast ${hbIface}\`, auto_failback on, a node line per balancer) and ${RESTART.en}`,
          es: `crea ${HA_CF} como en el paso T5 (logfile, debugfile, deadtime, warntime, initdead, \`bcast ${hbIface}\`, auto_failback on, una línea node por balanceador) y ${RESTART.es}`,
        },
      ),
    ];
  }
  const parsed = configLines(file.content);
  return [
    ...illegalDirectives(host, file.content, parsed),
    ...mediaFindings(lab, host, machine, parsed),
    ...nodeFindings(host, machine, parsed, members, all),
  ];
}

function illegalDirectives(host: Host, content: string, parsed: ConfigLine[]): Found[] {
  const illegal = parsed.filter((line) => !DIRECTIVES.has(line.words[0]!));
  if (illegal.length === 0) return [];
  const raw = lines(content);
  // the tutorial's ha.cf has comments that run onto a second line when copied from it
  const wrapped = illegal.every((line) => raw[line.number - 2]?.includes('#'));
  const quoted = illegal.slice(0, MAX_QUOTED);
  const more = illegal.length > MAX_QUOTED ? '…' : '';
  const items = (word: string) => quoted.map((line) => `${word} ${line.number} ${quote(line)}`);
  return [
    finding(
      'T5',
      host,
      true,
      {
        en: `${HA_CF} says what Heartbeat does not understand: ${joined(items('line'), 'and')}${more}; it refuses the whole file ("Illegal directive")${wrapped ? ': each is the end of the comment above it, cut onto a line of its own when copied from the tutorial' : ''}`,
        es: `${HA_CF} dice cosas que Heartbeat no entiende: ${joined(items('línea'), 'y')}${more}; rechaza el fichero entero ("Illegal directive")${wrapped ? ': cada una es el final del comentario de la línea anterior, que al copiarlo del tutorial quedó en una línea aparte' : ''}`,
      },
      wrapped
        ? {
            en: `join each of those lines to the comment above it (or begin it with #) and ${RESTART.en}`,
            es: `une cada una de esas líneas al comentario de la línea anterior (o empiézala con #) y ${RESTART.es}`,
          }
        : {
            en: `remove or correct those lines (step T5 lists ha.cf's directives) and ${RESTART.en}`,
            es: `borra o corrige esas líneas (el paso T5 muestra las directivas de ha.cf) y ${RESTART.es}`,
          },
    ),
  ];
}

function mediaFindings(lab: Lab, host: Host, machine: MachineHoldings, parsed: ConfigLine[]): Found[] {
  const media = parsed.filter((line) => ['bcast', 'udp', 'ucast', 'mcast', 'mcast6'].includes(line.words[0]!));
  const hb = host.heartbeat ? interfaceHolding(machine, host.heartbeat) : undefined;
  // where the definition's networks are on this machine: bcast belongs on these (ha.paths)
  const holders = lab.ha.paths.map((path) => (path === 'lan' ? interfaceHolding(machine, host.lan)?.name : hb?.name));
  const allowed = holders.every((name) => name !== undefined) ? [...new Set(holders as string[])] : undefined;
  const bcastLine = allowed && `bcast ${allowed.map(shown).join(' ')}`;
  const hbAt: Said = hb
    ? {
        en: `; the heartbeat address ${host.heartbeat} is on ${shown(hb.name)}`,
        es: `; la dirección de heartbeat ${host.heartbeat} está en ${shown(hb.name)}`,
      }
    : { en: '', es: '' };
  if (media.length === 0) {
    const line = bcastLine ?? `bcast ${lab.networks.heartbeat.interface}`;
    return [
      finding(
        'T5',
        host,
        true,
        {
          en: `${HA_CF} has no bcast line: Heartbeat has no network to send its heartbeats on and does not start ("No heartbeat media defined")${hbAt.en}`,
          es: `${HA_CF} no tiene línea bcast: Heartbeat no tiene red por la que enviar sus latidos y no arranca ("No heartbeat media defined")${hbAt.es}`,
        },
        {
          en: `write \`${line}\` in ${HA_CF} and ${RESTART.en}`,
          es: `escribe \`${line}\` en ${HA_CF} y ${RESTART.es}`,
        },
      ),
    ];
  }
  const found: Found[] = [];
  for (const line of media) {
    const named = mediaInterfaces(line);
    const absent = named.filter((name) => !machine.interfaces.has(name)).slice(0, MAX_QUOTED);
    const astray = (
      isBcast(line) && allowed ? named.filter((n) => machine.interfaces.has(n) && !allowed.includes(n)) : []
    ).slice(0, MAX_QUOTED);
    if (absent.length === 0 && astray.length === 0) continue;
    const problems: Said[] = [
      ...absent.map((name) => ({
        en: `${host.name} has no interface ${shown(name)} (it has ${interfacesOf(machine)})`,
        es: `tu ${host.name} no tiene la interfaz ${shown(name)} (tiene ${interfacesOf(machine)})`,
      })),
      ...astray.map((name) => {
        const what = carries(host, machine, name);
        return { en: `${shown(name)} carries ${what.en}`, es: `${shown(name)} lleva ${what.es}` };
      }),
    ];
    const fix: Said =
      isBcast(line) && bcastLine
        ? {
            en: `write \`${bcastLine}\` in ${HA_CF} on ${host.name} and ${RESTART.en}`,
            es: `escribe \`${bcastLine}\` en ${HA_CF} de tu ${host.name} y ${RESTART.es}`,
          }
        : hb
          ? {
              en: `name ${shown(hb.name)}, the interface that carries ${host.heartbeat}, on line ${line.number} of ${HA_CF} and ${RESTART.en}`,
              es: `pon ${shown(hb.name)}, la interfaz que lleva ${host.heartbeat}, en la línea ${line.number} de ${HA_CF} y ${RESTART.es}`,
            }
          : {
              en: `name one of ${host.name}'s interfaces (${interfacesOf(machine)}) on line ${line.number} of ${HA_CF} and ${RESTART.en}`,
              es: `pon una de las interfaces de tu ${host.name} (${interfacesOf(machine)}) en la línea ${line.number} de ${HA_CF} y ${RESTART.es}`,
            };
    found.push(
      finding(
        'T5',
        host,
        absent.length > 0,
        {
          en: `${HA_CF} (line ${line.number}) says ${quote(line)}, but ${joined(
            problems.map((p) => p.en),
            'and',
          )}${hbAt.en}`,
          es: `${HA_CF} (línea ${line.number}) dice ${quote(line)}, pero ${joined(
            problems.map((p) => p.es),
            'y',
          )}${hbAt.es}`,
        },
        fix,
      ),
    );
  }
  // with ha.paths [heartbeat, lan], a bcast on the LAN alone leaves the heartbeat network silent
  const bcasts = media.filter(isBcast);
  if (found.length === 0 && hb && bcasts.length === media.length && bcastLine) {
    if (!bcasts.some((line) => mediaInterfaces(line).includes(hb.name))) {
      const first = bcasts[0]!;
      found.push(
        finding(
          'T5',
          host,
          false,
          {
            en: `${HA_CF} (line ${first.number}) says ${quote(first)}: no heartbeats on the heartbeat network${hbAt.en}`,
            es: `${HA_CF} (línea ${first.number}) dice ${quote(first)}: no envía latidos por la red de heartbeat${hbAt.es}`,
          },
          {
            en: `write \`${bcastLine}\` in ${HA_CF} on ${host.name} and ${RESTART.en}`,
            es: `escribe \`${bcastLine}\` en ${HA_CF} de tu ${host.name} y ${RESTART.es}`,
          },
        ),
      );
    }
  }
  return found;
}

type HoldingsOf = (host: Host) => MachineHoldings | undefined;

/** Each node name of ha.cf with the line that names it. */
function nodesOf(parsed: ConfigLine[]): Array<{ name: string; line: number }> {
  return parsed
    .filter((line) => line.words[0] === 'node')
    .flatMap((line) =>
      line.words
        .slice(1)
        .flatMap((w) => w.split(','))
        .filter(Boolean)
        .map((name) => ({ name, line: line.number })),
    );
}

function nodeFindings(
  host: Host,
  machine: MachineHoldings,
  parsed: ConfigLine[],
  members: Host[],
  all: HoldingsOf,
): Found[] {
  const nodes = nodesOf(parsed);
  const known = members.flatMap((member) => {
    const node = nodeNameOf(all(member));
    return node ? [{ host: member.name, node }] : [];
  });
  const missing = known.filter((k) => !nodes.some((n) => same(n.name, k.node)));
  // a name no machine has is wrong only when every machine's name is known
  const stray = known.length === members.length ? nodes.filter((n) => !known.some((k) => same(n.name, k.node))) : [];
  if (missing.length === 0 && stray.length === 0) return [];
  const own = nodeNameOf(machine);
  const stops = own !== undefined && !nodes.some((n) => same(n.name, own));
  const says: Said = {
    en: `uname -n says ${joined(
      known.map((k) => `${shown(k.node)} on ${k.host}`),
      'and',
    )}`,
    es: `uname -n dice ${joined(
      known.map((k) => `${shown(k.node)} en ${k.host}`),
      'y',
    )}`,
  };
  const stop: Said = stops
    ? {
        en: `; Heartbeat does not start where its own name is missing ("Current node [${shown(own)}] not in configuration")`,
        es: `; Heartbeat no arranca donde no está su propio nombre ("Current node [${shown(own)}] not in configuration")`,
      }
    : { en: '', es: '' };
  const wrongLines = stray.slice(0, MAX_QUOTED);
  const wrong: Said =
    stray.length > 0
      ? {
          en: `${HA_CF} names ${joined(
            wrongLines.map((n) => `\`node ${shown(n.name)}\` (line ${n.line})`),
            'and',
          )}, but no balancer is called so: ${says.en}, and Heartbeat knows each machine by that name${stop.en}`,
          es: `${HA_CF} nombra ${joined(
            wrongLines.map((n) => `\`node ${shown(n.name)}\` (línea ${n.line})`),
            'y',
          )}, pero ningún balanceador se llama así: ${says.es}, y Heartbeat conoce cada máquina por ese nombre${stop.es}`,
        }
      : {
          en: `${HA_CF} has no node line for ${joined(
            missing.map((k) => shown(k.node)),
            'and',
          )}: ${says.en}, and Heartbeat knows each machine by that name${stop.en}`,
          es: `${HA_CF} no tiene línea node para ${joined(
            missing.map((k) => shown(k.node)),
            'y',
          )}: ${says.es}, y Heartbeat conoce cada máquina por ese nombre${stop.es}`,
        };
  const nodeLines = known.map((k) => `\`node ${shown(k.node)}\``);
  const renamed = known.filter((k) => k.node !== k.host);
  const master = known.find((k) => k.host === members.find((m) => m.role === 'master')?.name);
  const resources: Said =
    master && master.node !== master.host
      ? {
          en: `, begin ${HARESOURCES} with ${shown(master.node)}`,
          es: `, empieza ${HARESOURCES} por ${shown(master.node)}`,
        }
      : { en: '', es: '' };
  const rename: Said =
    renamed.length > 0
      ? {
          en: ` (or give the machines the tutorial's names: ${joined(
            renamed.map((k) => `hostnamectl set-hostname ${k.host} on ${k.host}`),
            'and',
          )}, and keep the node lines)`,
          es: ` (o da a las máquinas los nombres del tutorial: ${joined(
            renamed.map((k) => `hostnamectl set-hostname ${k.host} en ${k.host}`),
            'y',
          )}, y deja las líneas node)`,
        }
      : { en: '', es: '' };
  return [
    {
      nodes: true,
      ...finding('T5', host, stops, wrong, {
        en: `write a node line per balancer with its uname -n (${joined(nodeLines, 'and')}) in ${HA_CF} on both balancers${resources.en} and ${RESTART.en}${rename.en}`,
        es: `escribe una línea node por balanceador con su uname -n (${joined(nodeLines, 'y')}) en ${HA_CF} de ambos balanceadores${resources.es} y ${RESTART.es}${rename.es}`,
      }),
    },
  ];
}

// ---- authkeys (T6) ----

/** The permission bits of a mode as read ("600", "0600", "-rw-------"); undefined when it says none. */
export function permissionBits(mode: string): number | undefined {
  const text = mode.trim();
  if (/^[0-7]{3,6}$/.test(text)) return parseInt(text, 8) & 0o777;
  const symbolic = /^[-dlbcps]?([r-][w-][xsS-][r-][w-][xsS-][r-][w-][xtT-])/.exec(text);
  if (!symbolic) return undefined;
  return [...symbolic[1]!].reduce(
    (bits, c, i) => (c === '-' || c === 'S' || c === 'T' ? bits : bits | (1 << (8 - i))),
    0,
  );
}

/** authkeys' lines as Heartbeat reads them: a `#` only at the start of a line makes a comment. */
function authLines(content: string): Array<{ number: number; text: string }> {
  return lines(content).flatMap((raw, i) => {
    const text = raw.trim().split(/\s+/).join(' ');
    return raw.startsWith('#') || text === '' ? [] : [{ number: i + 1, text }];
  });
}

function authkeysFindings(host: Host, machine: MachineHoldings): { found: Found[]; sound?: string[] } {
  const file = machine.files.get(AUTHKEYS);
  if (!file) {
    return {
      found: [
        finding(
          'T6',
          host,
          true,
          {
            en: `${AUTHKEYS} is missing: Heartbeat does not start without its key ("Cannot open keyfile")`,
            es: `${AUTHKEYS} no existe en tu ${host.name}: sin su clave Heartbeat no arranca ("Cannot open keyfile")`,
          },
          {
            en: `create ${AUTHKEYS} as in step T6 (\`auth 2\` and \`2 sha1 <your key>\`), the same on both balancers, then \`chmod 600 ${AUTHKEYS}\` and ${RESTART.en}`,
            es: `crea ${AUTHKEYS} como en el paso T6 (\`auth 2\` y \`2 sha1 <tu clave>\`), igual en ambos balanceadores; después \`chmod 600 ${AUTHKEYS}\` y ${RESTART.es}`,
          },
        ),
      ],
    };
  }
  const found: Found[] = [];
  const bits = permissionBits(file.mode);
  if (bits !== undefined && (bits & 0o077) !== 0) {
    const refused = (bits & 0o044) !== 0;
    found.push(
      finding(
        'T6',
        host,
        refused,
        refused
          ? {
              en: `${AUTHKEYS} has mode ${shown(file.mode)}: others can read the key, so Heartbeat refuses it and does not start ("Bad permissions on keyfile")`,
              es: `${AUTHKEYS} tiene permisos ${shown(file.mode)}: otros pueden leer la clave, así que Heartbeat la rechaza y no arranca ("Bad permissions on keyfile")`,
            }
          : {
              en: `${AUTHKEYS} has mode ${shown(file.mode)}: others can change the key`,
              es: `${AUTHKEYS} tiene permisos ${shown(file.mode)}: otros pueden cambiar la clave`,
            },
        {
          en: `\`chmod 600 ${AUTHKEYS}\` on ${host.name}${refused ? ` and ${RESTART.en}` : ''}`,
          es: `\`chmod 600 ${AUTHKEYS}\` en tu ${host.name}${refused ? ` y ${RESTART.es}` : ''}`,
        },
      ),
    );
  }
  const read = authLines(file.content);
  const keys = new Map<number, { method: string; secret: boolean; line: number }>();
  let auth: { number: number; key?: number; text: string } | undefined;
  const keyProblems: Said[] = [];
  for (const line of read) {
    // Heartbeat takes any line that begins with "a" for the auth line (sscanf "auth %d")
    if (line.text.startsWith('a')) {
      const n = /^auth\s*([+-]?\d+)/.exec(line.text);
      auth = { number: line.number, key: n ? Number(n[1]) : undefined, text: line.text };
      continue;
    }
    const key = /^([+-]?\d+)\s+(\S+)(?:\s+(\S+))?/.exec(line.text);
    if (!key) continue;
    const [method, secret] = [key[2]!, key[3] !== undefined];
    keys.set(Number(key[1]), { method, secret, line: line.number });
    const needs = AUTH_METHODS.get(method);
    if (needs === undefined)
      keyProblems.push({
        en: `line ${line.number} uses the method \`${shown(method)}\`, which Heartbeat does not know (crc, sha1, md5)`,
        es: `la línea ${line.number} usa el método \`${shown(method)}\`, que Heartbeat no conoce (crc, sha1, md5)`,
      });
    else if (needs && !secret)
      keyProblems.push({
        en: `line ${line.number} gives ${shown(method)} no key after it`,
        es: `la línea ${line.number} no pone ninguna clave tras ${shown(method)}`,
      });
    else if (!needs && secret)
      keyProblems.push({
        en: `line ${line.number} gives crc a key, which it takes none of`,
        es: `la línea ${line.number} pone una clave tras crc, que no lleva ninguna`,
      });
  }
  const defined = [...keys.keys()].sort((a, b) => a - b).map(String);
  const definedSaid: Said =
    defined.length > 0
      ? { en: `it defines ${joined(defined, 'and')}`, es: `define ${joined(defined, 'y')}` }
      : { en: 'it defines none', es: 'no define ninguna' };
  const fixAuth: Said = {
    en: `make the auth line name one of the key lines below it (\`auth 2\` for \`2 sha1 <your key>\`), the same on both balancers, and ${RESTART.en}`,
    es: `haz que la línea auth nombre una de las líneas de clave que la siguen (\`auth 2\` para \`2 sha1 <tu clave>\`), igual en ambos balanceadores, y ${RESTART.es}`,
  };
  const before = found.length;
  if (!auth) {
    found.push(
      finding(
        'T6',
        host,
        true,
        {
          en: `${AUTHKEYS} has no auth line: Heartbeat does not know which key to use and does not start (${definedSaid.en})`,
          es: `${AUTHKEYS} no tiene línea auth: Heartbeat no sabe qué clave usar y no arranca (${definedSaid.es})`,
        },
        fixAuth,
      ),
    );
  } else if (auth.key === undefined || !keys.has(auth.key)) {
    found.push(
      finding(
        'T6',
        host,
        true,
        {
          en: `${AUTHKEYS} (line ${auth.number}) says \`${shown(auth.text)}\`, but ${auth.key === undefined ? 'names no key number' : `there is no key ${auth.key}`}: ${definedSaid.en}, and Heartbeat does not start`,
          es: `${AUTHKEYS} (línea ${auth.number}) dice \`${shown(auth.text)}\`, pero ${auth.key === undefined ? 'no nombra ningún número de clave' : `no hay clave ${auth.key}`}: ${definedSaid.es}, y Heartbeat no arranca`,
        },
        fixAuth,
      ),
    );
  }
  if (keyProblems.length > 0) {
    const shownProblems = keyProblems.slice(0, MAX_QUOTED);
    found.push(
      finding(
        'T6',
        host,
        true,
        {
          en: `${AUTHKEYS}: ${joined(
            shownProblems.map((p) => p.en),
            'and',
          )}; Heartbeat refuses the file and does not start`,
          es: `${AUTHKEYS}: ${joined(
            shownProblems.map((p) => p.es),
            'y',
          )}; Heartbeat rechaza el fichero y no arranca`,
        },
        {
          en: `write each key line as step T6 does (\`1 crc\`, \`2 sha1 <your key>\`, \`3 md5 <your key>\`), the same on both balancers, and ${RESTART.en}`,
          es: `escribe cada línea de clave como en el paso T6 (\`1 crc\`, \`2 sha1 <tu clave>\`, \`3 md5 <tu clave>\`), igual en ambos balanceadores, y ${RESTART.es}`,
        },
      ),
    );
  }
  const contentSound = found.slice(before).length === 0;
  return { found, sound: contentSound ? read.map((line) => line.text) : undefined };
}

// ---- haresources (T7) ----

interface IpResource {
  word: string;
  agent: string;
  address: string;
  prefix?: string;
  iface?: string;
}

/** `IPaddr::ADDR/PREFIX/IFACE`, `IPaddr2::…`, or a bare address (IPaddr's short form). */
function ipResource(word: string): IpResource | undefined {
  const agent = /^(IPaddr2?)::(.*)$/.exec(word);
  const args = agent ? agent[2]! : /^\d{1,3}(?:\.\d{1,3}){3}(?:\/|$)/.test(word) ? word : undefined;
  if (args === undefined) return undefined;
  const [address = '', prefix, iface] = args.split('/');
  return { word, agent: agent ? agent[1]! : 'IPaddr', address, prefix, iface };
}

function haresourcesFindings(
  lab: Lab,
  host: Host,
  machine: MachineHoldings,
  master: { host: Host; node?: string },
): { found: Found[]; sound?: string[]; unnamedMaster?: boolean } {
  const lan = interfaceHolding(machine, host.lan);
  const lanIface = lan ? shown(lan.name) : lab.networks.lan.interface;
  const masterNode = master.node ?? master.host.name;
  const expected = `${shown(masterNode)} IPaddr::${lab.vip.address}/${lab.networks.lan.cidr.prefix}/${lanIface}`;
  const fix: Said = {
    en: `write \`${expected}\` in ${HARESOURCES} on ${host.name} and ${RESTART.en}`,
    es: `escribe \`${expected}\` en ${HARESOURCES} de tu ${host.name} y ${RESTART.es}`,
  };
  const file = machine.files.get(HARESOURCES);
  if (!file) {
    return {
      found: [
        finding(
          'T7',
          host,
          true,
          {
            en: `${HARESOURCES} is missing: Heartbeat does not start without it ("Cannot open resources file")`,
            es: `${HARESOURCES} no existe en tu ${host.name}: sin él Heartbeat no arranca ("Cannot open resources file")`,
          },
          fix,
        ),
      ],
    };
  }
  const parsed = configLines(file.content);
  const haCf = machine.files.get(HA_CF);
  const nodes = haCf ? nodesOf(configLines(haCf.content)) : [];
  const found: Found[] = [];
  const withIp = parsed.find((line) => line.words.slice(1).some((w) => ipResource(w)));
  if (!withIp) {
    found.push(
      finding(
        'T7',
        host,
        false,
        {
          en: `${HARESOURCES} ${parsed[0] ? `says ${quote(parsed[0])}, which names` : 'is empty: it names'} no IPaddr resource for the VIP ${lab.vip.address}, so Heartbeat puts it on no balancer`,
          es: `${HARESOURCES} ${parsed[0] ? `dice ${quote(parsed[0])}, que no nombra` : 'está vacío: no nombra'} ningún recurso IPaddr para la VIP ${lab.vip.address}, así que Heartbeat no la pone en ningún balanceador`,
        },
        fix,
      ),
    );
    return { found };
  }
  const first = withIp.words[0]!;
  const notNode = nodes.length > 0 && !nodes.some((n) => same(n.name, first));
  // the master's right name missing from ha.cf's node lines: that finding stops Heartbeat here too
  const unnamedMaster = notNode && same(first, masterNode);
  // the master's tutorial name, in ha.cf too, where uname -n says another: ha.cf's finding says it
  const renamed = !notNode && same(first, master.host.name) && !same(masterNode, master.host.name);
  if (!same(first, masterNode) && !renamed) {
    const stop: Said = notNode
      ? {
          en: `; no node line of ${HA_CF} names it, so Heartbeat does not start ("Bad nodename")`,
          es: `; ninguna línea node de ${HA_CF} lo nombra, así que Heartbeat no arranca ("Bad nodename")`,
        }
      : { en: '', es: '' };
    found.push(
      finding(
        'T7',
        host,
        notNode,
        {
          en: `${HARESOURCES} (line ${withIp.number}) begins with \`${shown(first)}\`, but the master ${master.host.name} is called ${shown(masterNode)} (uname -n): the node named first is the one that holds the VIP${stop.en}`,
          es: `${HARESOURCES} (línea ${withIp.number}) empieza por \`${shown(first)}\`, pero el maestro ${master.host.name} se llama ${shown(masterNode)} (uname -n): el nodo que va primero es el que tiene la VIP${stop.es}`,
        },
        fix,
      ),
    );
  }
  const resource = ipResource(withIp.words.slice(1).find((w) => ipResource(w))!)!;
  const said = `\`${shown(resource.word)}\``;
  if (resource.address !== lab.vip.address) {
    found.push(
      finding(
        'T7',
        host,
        false,
        {
          en: `${HARESOURCES} (line ${withIp.number}) says ${said}: it puts ${shown(resource.address)} on the master, but the farm's floating IP is ${lab.vip.address} (${lab.vip.name})`,
          es: `${HARESOURCES} (línea ${withIp.number}) dice ${said}: pone ${shown(resource.address)} en el maestro, pero la IP flotante de la granja es ${lab.vip.address} (${lab.vip.name})`,
        },
        fix,
      ),
    );
  }
  if (resource.iface) {
    const base = resource.iface.split(':')[0]!;
    const lanAt: Said = lan
      ? {
          en: `; the LAN address ${host.lan} is on ${shown(lan.name)}`,
          es: `; la dirección de la LAN ${host.lan} está en ${shown(lan.name)}`,
        }
      : { en: '', es: '' };
    if (!machine.interfaces.has(base)) {
      found.push(
        finding(
          'T7',
          host,
          false,
          {
            en: `${HARESOURCES} (line ${withIp.number}) says ${said}, but ${host.name} has no interface ${shown(base)} (it has ${interfacesOf(machine)})${lanAt.en}`,
            es: `${HARESOURCES} (línea ${withIp.number}) dice ${said}, pero tu ${host.name} no tiene la interfaz ${shown(base)} (tiene ${interfacesOf(machine)})${lanAt.es}`,
          },
          fix,
        ),
      );
    } else if (lan && base !== lan.name) {
      const what = carries(host, machine, base);
      found.push(
        finding(
          'T7',
          host,
          false,
          {
            en: `${HARESOURCES} (line ${withIp.number}) says ${said}, but ${shown(base)} carries ${what.en}: the VIP belongs on the LAN${lanAt.en}`,
            es: `${HARESOURCES} (línea ${withIp.number}) dice ${said}, pero ${shown(base)} lleva ${what.es}: la VIP va en la LAN${lanAt.es}`,
          },
          fix,
        ),
      );
    }
  }
  if (found.length > 0) return { found, unnamedMaster };
  // each machine names its own interface: the lines must agree on everything else
  const sound = parsed.map((line) =>
    line.words
      .map((w) => {
        const r = ipResource(w);
        return r ? `${r.agent}::${r.address}/${r.prefix ?? ''}` : w.toLowerCase();
      })
      .join(' '),
  );
  return { found, sound, unnamedMaster };
}

// ---- the balancers together ----

function differences(reads: Read[], masterRead: Read | undefined): Found[] {
  if (!masterRead) return [];
  const found: Found[] = [];
  for (const read of reads) {
    if (read === masterRead) continue;
    const [m, b] = [masterRead.host.name, read.host.name];
    if (masterRead.authkeys && read.authkeys && read.authkeys.join('\n') !== masterRead.authkeys.join('\n')) {
      found.push(
        finding(
          'T6',
          read.host,
          false,
          {
            en: `${AUTHKEYS} on ${b} differs from ${m}'s: the balancers refuse each other's heartbeats, and each takes the VIP as if the other were dead`,
            es: `${AUTHKEYS} de tu ${b} no es igual que el de ${m}: los balanceadores rechazan los latidos del otro y cada uno se queda la VIP como si el otro hubiera muerto`,
          },
          {
            en: `copy ${AUTHKEYS} from ${m} to ${b} (the same auth line and keys), \`chmod 600 ${AUTHKEYS}\`, and ${RESTART.en} on both`,
            es: `copia ${AUTHKEYS} de ${m} a ${b} (la misma línea auth y las mismas claves), haz \`chmod 600 ${AUTHKEYS}\` y ${RESTART.es} en los dos`,
          },
        ),
      );
    }
    if (
      masterRead.haresources &&
      read.haresources &&
      read.haresources.join('\n') !== masterRead.haresources.join('\n')
    ) {
      const lineOf = (r: Read) => {
        const first = configLines(r.machine.files.get(HARESOURCES)?.content ?? '')[0];
        return first ? quote(first) : '–';
      };
      found.push(
        finding(
          'T7',
          read.host,
          false,
          {
            en: `${HARESOURCES} on ${b} says ${lineOf(read)}, ${m}'s says ${lineOf(masterRead)}: both balancers must give the same resources to the same master`,
            es: `${HARESOURCES} de tu ${b} dice ${lineOf(read)} y el de ${m} dice ${lineOf(masterRead)}: los dos balanceadores deben dar los mismos recursos al mismo maestro`,
          },
          {
            en: `write on ${b} the line ${m} has (with ${b}'s own LAN interface) and ${RESTART.en} on both; ${m} must be the node named first`,
            es: `escribe en ${b} la línea que tiene ${m} (con la interfaz de la LAN de ${b}) y ${RESTART.es} en los dos; ${m} debe ser el nodo que va primero`,
          },
        ),
      );
    }
  }
  return found;
}

/** Where Heartbeat does not run: the mistake that stops it says so, or a finding of its own. */
function notRunning(lab: Lab, read: Read): Found[] {
  if (read.machine.processes.get('heartbeat') !== false) return read.found;
  const h = read.host.name;
  const cause = read.found.find((f) => f.stops);
  if (cause) {
    const said: Found = {
      ...cause,
      wrong: {
        en: `${cause.wrong.en} (Heartbeat is not running on ${h})`,
        es: `${cause.wrong.es} (Heartbeat no está en marcha en tu ${h})`,
      },
    };
    return read.found.map((f) => (f === cause ? said : f));
  }
  return [
    ...read.found,
    finding(
      'T11',
      read.host,
      false,
      {
        en: `heartbeat is not running on ${h}`,
        es: `heartbeat no está en marcha en tu ${h}`,
      },
      {
        en: `start it on ${h}: /etc/init.d/heartbeat start (or service heartbeat start); if it stops again, ${lab.heartbeat.logfile} says why`,
        es: `arráncalo en ${h}: /etc/init.d/heartbeat start (o service heartbeat start); si se vuelve a parar, ${lab.heartbeat.logfile} dice por qué`,
      },
    ),
  ];
}

export const heartbeatMistakes: MistakeFinder = {
  files: () => [HA_CF, AUTHKEYS, HARESOURCES],
  processes: ['heartbeat'],
  find(lab, holdings) {
    const members = balancers(lab);
    const all: HoldingsOf = (host) => holdings.get(host.name);
    const masterHost = members.find((h) => h.role === 'master');
    const reads: Read[] = [];
    for (const host of members) {
      const machine = all(host);
      if (!machine) continue;
      const found = haCfFindings(lab, host, machine, members, all);
      const auth = authkeysFindings(host, machine);
      const res = masterHost
        ? haresourcesFindings(lab, host, machine, { host: masterHost, node: nodeNameOf(all(masterHost)) })
        : { found: [], unnamedMaster: false };
      if (res.unnamedMaster) {
        for (const f of found) if (f.nodes) f.stops = true;
      }
      reads.push({
        host,
        machine,
        found: [...found, ...auth.found, ...res.found],
        authkeys: auth.sound,
        haresources: res.sound,
      });
    }
    const masterRead = reads.find((r) => r.host === masterHost);
    const apart = differences(reads, masterRead);
    return reads
      .flatMap((read) => [...notRunning(lab, read), ...apart.filter((f) => f.host === read.host.name)])
      .map(({ stops: _stops, nodes: _nodes, ...f }) => f);
  },
};
