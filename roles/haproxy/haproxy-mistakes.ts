// The mistakes a student makes following T8 and T9 by hand, found in what the balancers hold:
// haproxy.cfg read as far as these need (its sections, bind, listen and server lines, 1.4's
// timeouts), the kernel's ip_nonlocal_bind the tutorial forgot, and whether HAProxy runs. A
// mistake that keeps HAProxy from starting says so when it does not run; only a stop nothing
// explains is a finding of its own (T9).
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
import { backendServers, healthCheckWords } from './haproxy-role.ts';

export const HAPROXY_CFG = '/etc/haproxy/haproxy.cfg';
export const NONLOCAL_BIND = 'net.ipv4.ip_nonlocal_bind';

/** The keywords that open a section of haproxy.cfg. */
export const HAPROXY_SECTIONS: ReadonlySet<string> = new Set([
  'global',
  'defaults',
  'listen',
  'frontend',
  'backend',
  'userlist',
  'peers',
  'resolvers',
  'mailers',
  'program',
  'http-errors',
  'ring',
  'cache',
  'log-forward',
  'crt-store',
  'traces',
]);

/** HAProxy 1.4's timeouts (and the tutorial screenshot's misspelt srvtimerout), with today's word for each. */
const OLD_TIMEOUT = /^(con|cli|srv)time?r?out$/;
const TODAY: Record<string, string> = { con: 'connect', cli: 'client', srv: 'server' };

const MAX_QUOTED = 5;

const RESTART: Said = {
  en: 'restart HAProxy (/etc/init.d/haproxy restart)',
  es: 'reinicia HAProxy (/etc/init.d/haproxy restart)',
};

interface Found extends Finding {
  /** HAProxy does not start with this mistake */
  stops: boolean;
}

interface CfgLine extends ConfigLine {
  /** the section it is in: its keyword and name */
  section?: { kind: string; name?: string };
}

function parse(content: string): CfgLine[] {
  let section: CfgLine['section'];
  return configLines(content).map((line) => {
    if (HAPROXY_SECTIONS.has(line.words[0]!)) section = { kind: line.words[0]!, name: line.words[1] };
    return { ...line, section };
  });
}

const quote = (line: ConfigLine) => `\`${shown(line.words.join(' '))}\``;

/** An address of a bind or listen line, "ipv4@192.168.1.100:80" or "[::]:80", as host and port range. */
function bindAddress(text: string): { host: string; from: number; to: number } | undefined {
  const bare = text.replace(/^[a-z0-9]+@/, '');
  const colon = bare.lastIndexOf(':');
  if (colon === -1) return undefined;
  const host = bare.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const ports = /^(\d+)(?:-(\d+))?$/.exec(bare.slice(colon + 1));
  if (!ports) return undefined;
  return { host, from: Number(ports[1]), to: Number(ports[2] ?? ports[1]) };
}

/** The address a server line points at, its port and any prefix left off. */
function serverHost(text: string): string {
  const bare = text.replace(/^[a-z0-9]+@/, '');
  const v6 = /^\[(.*)\]/.exec(bare);
  if (v6) return v6[1]!;
  return bare.split(':')[0]!;
}

const ANY_ADDRESS = new Set(['', '*', '0.0.0.0', '::']);

function finding(step: string, host: Host, stops: boolean, wrong: Said, fix: Said): Found {
  return { step, host: host.name, stops, wrong, fix };
}

function cfgFindings(lab: Lab, host: Host, machine: MachineHoldings): Found[] {
  const file = machine.files.get(HAPROXY_CFG);
  const vipBind = `${lab.vip.address}:${lab.haproxy.port}`;
  if (!file) {
    return [
      finding(
        'T8',
        host,
        true,
        {
          en: `${HAPROXY_CFG} is missing: HAProxy has no configuration to start with`,
          es: `${HAPROXY_CFG} no existe en tu ${host.name}: HAProxy no tiene configuración con la que arrancar`,
        },
        {
          en: `write ${HAPROXY_CFG} as in step T8 (\`listen ${lab.haproxy.listen}\`, \`bind ${vipBind}\` and a server line per web server) and ${RESTART.en}`,
          es: `escribe ${HAPROXY_CFG} como en el paso T8 (\`listen ${lab.haproxy.listen}\`, \`bind ${vipBind}\` y una línea server por servidor web) y ${RESTART.es}`,
        },
      ),
    ];
  }
  const lines = parse(file.content);
  const found: Found[] = [];
  const proxies = lines.filter((l) => l.words[0] === 'listen' || l.words[0] === 'frontend');
  const proxyName = shown(proxies.find((l) => l.words[0] === 'listen')?.words[1] ?? lab.haproxy.listen);

  // T8's `listen web-cluster 192.168.1.100:80`
  for (const line of proxies.filter((l) => l.words.length > 2 && l.words[2] !== 'from').slice(0, MAX_QUOTED)) {
    const name = shown(line.words[1]!);
    const address = shown(line.words[2]!);
    found.push(
      finding(
        'T8',
        host,
        true,
        {
          en: `${HAPROXY_CFG} (line ${line.number}) says ${quote(line)}: today's HAProxy refuses an address on the ${line.words[0]} line ("please use the 'bind' keyword for listening addresses") and does not start`,
          es: `${HAPROXY_CFG} (línea ${line.number}) dice ${quote(line)}: el HAProxy de hoy no admite la dirección en la línea ${line.words[0]} ("please use the 'bind' keyword for listening addresses") y no arranca`,
        },
        {
          en: `write \`${line.words[0]} ${name}\` and, on the line below it, \`    bind ${address}\`; then ${RESTART.en}`,
          es: `escribe \`${line.words[0]} ${name}\` y, en la línea siguiente, \`    bind ${address}\`; después ${RESTART.es}`,
        },
      ),
    );
  }

  // 1.4's contimeout, clitimeout, srvtimeout; a bare `timeout 5000`
  const old = lines.filter(
    (l) => OLD_TIMEOUT.test(l.words[0]!) || (l.words[0] === 'timeout' && /^\d/.test(l.words[1] ?? '')),
  );
  if (old.length > 0) {
    const quoted = old.slice(0, MAX_QUOTED);
    const today = quoted.map((l) => {
      const kind = OLD_TIMEOUT.exec(l.words[0]!)?.[1];
      const value = shown(l.words[1] ?? '5000');
      return `\`timeout ${kind ? TODAY[kind] : 'connect'} ${value}\``;
    });
    const items = (word: string) => quoted.map((l) => `${quote(l)} (${word} ${l.number})`);
    const more = old.length > MAX_QUOTED ? '…' : '';
    found.push(
      finding(
        'T8',
        host,
        true,
        {
          en: `${HAPROXY_CFG} says ${joined(items('line'), 'and')}${more}: timeouts written the HAProxy 1.4 way, which HAProxy refuses since 2.1: it does not start`,
          es: `${HAPROXY_CFG} dice ${joined(items('línea'), 'y')}${more}: tiempos escritos a la manera de HAProxy 1.4, que HAProxy rechaza desde la 2.1: no arranca`,
        },
        {
          en: `write ${joined(today, 'and')} instead, in the defaults section, and ${RESTART.en}`,
          es: `escribe en su lugar ${joined(today, 'y')}, en la sección defaults, y ${RESTART.es}`,
        },
      ),
    );
  }

  // where it listens: bind lines of listen and frontend sections, and listen lines' own addresses
  const binds = [
    ...lines
      .filter((l) => l.words[0] === 'bind' && (l.section?.kind === 'listen' || l.section?.kind === 'frontend'))
      .flatMap((l) => (l.words[1] ?? '').split(',')),
    ...proxies.flatMap((l) => (l.words[2] && l.words[2] !== 'from' ? l.words[2].split(',') : [])),
  ].filter(Boolean);
  const port = lab.haproxy.port;
  const onPort = binds.map(bindAddress).filter((b) => b !== undefined && b.from <= port && port <= b.to);
  const bindsVip = onPort.some((b) => b!.host === lab.vip.address);
  if (!bindsVip && !onPort.some((b) => ANY_ADDRESS.has(b!.host))) {
    const listed = binds.slice(0, MAX_QUOTED).map(shown);
    const more = binds.length > MAX_QUOTED ? ', …' : '';
    found.push(
      finding(
        'T8',
        host,
        false,
        {
          en: `${HAPROXY_CFG} does not listen on ${vipBind} (${listed.length > 0 ? `it binds ${listed.join(', ')}${more}` : 'it binds nothing'}): HAProxy does not answer on the VIP`,
          es: `${HAPROXY_CFG} no escucha en ${vipBind} (${listed.length > 0 ? `escucha en ${listed.join(', ')}${more}` : 'no escucha en nada'}): HAProxy no responde en la VIP`,
        },
        {
          en: `under \`listen ${proxyName}\`, write \`    bind ${vipBind}\` and ${RESTART.en}`,
          es: `bajo \`listen ${proxyName}\`, escribe \`    bind ${vipBind}\` y ${RESTART.es}`,
        },
      ),
    );
  }

  // a server line per web server of the definition, at its address
  const servers = lines.filter(
    (l) => l.words[0] === 'server' && (l.section?.kind === 'listen' || l.section?.kind === 'backend'),
  );
  const check = healthCheckWords(lab.haproxy.check).join(' ');
  for (const web of backendServers(lab)) {
    const wanted = `server ${web.name} ${web.address}:${web.port} cookie ${web.cookie} ${check}`;
    const at = (l: CfgLine) => {
      const target = serverHost(l.words[2] ?? '');
      return target === web.address || target === web.name;
    };
    const named = servers.find((l) => l.words[1] === web.name);
    if (named && !at(named)) {
      found.push(
        finding(
          'T8',
          host,
          false,
          {
            en: `${HAPROXY_CFG} (line ${named.number}) says ${quote(named)}, but ${web.name} is ${web.address}`,
            es: `${HAPROXY_CFG} (línea ${named.number}) dice ${quote(named)}, pero ${web.name} es ${web.address}`,
          },
          {
            en: `write \`    ${wanted}\` on line ${named.number} and ${RESTART.en}`,
            es: `escribe \`    ${wanted}\` en la línea ${named.number} y ${RESTART.es}`,
          },
        ),
      );
    } else if (named ?? servers.find(at)) {
      // the server's cookie label: what keeps a client on it (cookie NAME MODE, T8)
      const line = (named ?? servers.find(at))!;
      const cookieAt = line.words.indexOf('cookie');
      const label = cookieAt > 2 ? line.words[cookieAt + 1] : undefined;
      if (label !== web.cookie)
        found.push(
          finding(
            'T8',
            host,
            false,
            {
              en: `${HAPROXY_CFG} (line ${line.number}) says ${quote(line)}: ${label === undefined ? `no cookie for ${web.name}, so HAProxy keeps no client on it` : `${web.name}'s cookie is ${shown(label)}, where the definition (and lab:verify's V1) gives it ${web.cookie}`}`,
              es: `${HAPROXY_CFG} (línea ${line.number}) dice ${quote(line)}: ${label === undefined ? `ninguna cookie para ${web.name}, así que HAProxy no mantiene a ningún cliente en él` : `la cookie de ${web.name} es ${shown(label)}, y la definición (y la V1 de lab:verify) le da ${web.cookie}`}`,
            },
            {
              en: `write \`    ${wanted}\` on line ${line.number} (each web server its own cookie, A, B, C… in the definition's order) and ${RESTART.en}`,
              es: `escribe \`    ${wanted}\` en la línea ${line.number} (cada servidor web su cookie, A, B, C… en el orden de la definición) y ${RESTART.es}`,
            },
          ),
        );
    } else {
      found.push(
        finding(
          'T8',
          host,
          false,
          {
            en: `${HAPROXY_CFG} has no server line for ${web.name} (${web.address}): HAProxy never sends it a request`,
            es: `${HAPROXY_CFG} no tiene línea server para ${web.name} (${web.address}): HAProxy nunca le manda peticiones`,
          },
          {
            en: `add \`    ${wanted}\` under \`listen ${proxyName}\` and ${RESTART.en}`,
            es: `añade \`    ${wanted}\` bajo \`listen ${proxyName}\` y ${RESTART.es}`,
          },
        ),
      );
    }
  }

  // the backup binds a VIP it does not hold: the kernel must let it (the tutorial forgot this)
  const nonlocal = machine.sysctls.get(NONLOCAL_BIND)?.trim();
  if (bindsVip && nonlocal !== undefined && nonlocal !== '1') {
    const holds = interfaceHolding(machine, lab.vip.address) !== undefined;
    found.push(
      finding(
        'T8',
        host,
        !holds,
        {
          en: `sysctl ${NONLOCAL_BIND} is ${shown(nonlocal)}, but ${HAPROXY_CFG} binds the VIP ${lab.vip.address}: whenever ${host.name} does not hold the VIP (when it is the backup), its HAProxy cannot start ("cannot bind socket")${holds ? '' : ', and it does not hold it now'}; the tutorial forgot this setting, which the English articles it follows set`,
          es: `sysctl ${NONLOCAL_BIND} vale ${shown(nonlocal)}, pero ${HAPROXY_CFG} escucha en la VIP ${lab.vip.address}: mientras tu ${host.name} no tiene la VIP (cuando hace de respaldo), su HAProxy no puede arrancar ("cannot bind socket")${holds ? '' : ', y ahora no la tiene'}; el tutorial olvidó este ajuste, que sí ponen los artículos en inglés en los que se basa`,
        },
        {
          en: `add \`${NONLOCAL_BIND}=1\` to /etc/sysctl.conf on both balancers, run \`sysctl -p\` and ${RESTART.en}`,
          es: `añade \`${NONLOCAL_BIND}=1\` a /etc/sysctl.conf en ambos balanceadores, ejecuta \`sysctl -p\` y ${RESTART.es}`,
        },
      ),
    );
  }
  return found;
}

/** Where HAProxy does not run: the mistake that stops it says so, or a finding of its own. */
function withProcess(host: Host, machine: MachineHoldings, found: Found[]): Found[] {
  if (machine.processes.get('haproxy') !== false) return found;
  const cause = found.find((f) => f.stops);
  if (cause) {
    const said: Found = {
      ...cause,
      wrong: {
        en: `${cause.wrong.en} (HAProxy is not running on ${host.name})`,
        es: `${cause.wrong.es} (HAProxy no está en marcha en tu ${host.name})`,
      },
    };
    return found.map((f) => (f === cause ? said : f));
  }
  return [
    ...found,
    finding(
      'T9',
      host,
      false,
      {
        en: `haproxy is not running on ${host.name}`,
        es: `haproxy no está en marcha en tu ${host.name}`,
      },
      {
        en: `enable and start it on ${host.name}: ENABLED=1 in /etc/default/haproxy, then /etc/init.d/haproxy start; \`haproxy -c -f ${HAPROXY_CFG}\` says what it refuses in its file`,
        es: `actívalo y arráncalo en tu ${host.name}: ENABLED=1 en /etc/default/haproxy y después /etc/init.d/haproxy start; \`haproxy -c -f ${HAPROXY_CFG}\` dice qué rechaza de su fichero`,
      },
    ),
  ];
}

export const haproxyMistakes: MistakeFinder = {
  files: () => [HAPROXY_CFG],
  sysctls: [NONLOCAL_BIND],
  processes: ['haproxy'],
  find(lab, holdings) {
    return balancers(lab).flatMap((host) => {
      const machine = holdings.get(host.name);
      if (!machine) return [];
      return withProcess(host, machine, cfgFindings(lab, host, machine)).map(({ stops: _stops, ...f }) => f);
    });
  },
};
