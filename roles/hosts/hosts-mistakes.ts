// The mistake a student makes following T2 by hand, found in every machine's /etc/hosts: the
// site's name or a machine's name missing, or mapped to another address. Read as the resolver
// reads it: the first line that names a name wins; a machine's own name on 127.0.1.1 (Debian's
// installer writes it) and a balancer's name on its heartbeat address (T2 adds both) are the
// tutorial's, not mistakes.
import { isIpv4 } from '../../lib/lab/ipv4.ts';
import type { Host, Lab } from '../../lib/lab/model.ts';
import { configLines, joined, shown, type Finding, type MachineHoldings, type MistakeFinder } from '../mistakes.ts';

export const HOSTS_FILE = '/etc/hosts';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

interface Wanted {
  name: string;
  address: string;
  /** another address the name may have before its LAN one: a balancer's heartbeat address */
  also?: string;
}

function hostsFindings(lab: Lab, host: Host, machine: MachineHoldings): Finding[] {
  const file = machine.files.get(HOSTS_FILE);
  const wanted: Wanted[] = [
    { name: lab.vip.name, address: lab.vip.address },
    ...lab.hosts.map((h) => ({ name: h.name, address: h.lan, also: h.heartbeat })),
  ];
  const line = (w: Wanted) => `\`${w.address}  ${w.name}\``;
  if (!file) {
    return [
      {
        step: 'T2',
        host: host.name,
        wrong: {
          en: `${HOSTS_FILE} is missing: ${host.name} cannot resolve ${lab.vip.name} nor the farm's machines`,
          es: `${HOSTS_FILE} no existe en tu ${host.name}: no puede resolver ${lab.vip.name} ni las máquinas de la granja`,
        },
        fix: {
          en: `write ${HOSTS_FILE} on ${host.name} with 127.0.0.1 localhost and the lines of step T2 (${wanted.map(line).join(', ')})`,
          es: `escribe ${HOSTS_FILE} en tu ${host.name} con 127.0.0.1 localhost y las líneas del paso T2 (${wanted.map(line).join(', ')})`,
        },
      },
    ];
  }
  const entries = configLines(file.content).filter((l) => isIpv4(l.words[0]!));
  const own = (name: string) => same(name, host.name) || same(name, machine.nodeName.trim());
  const missing: Wanted[] = [];
  const astray: Array<{ wanted: Wanted; number: number; address: string }> = [];
  for (const w of wanted) {
    // the line the resolver takes: the first that names it, the tutorial's other addresses passed over
    const first = entries.find((l) => {
      if (!l.words.slice(1).some((n) => same(n, w.name))) return false;
      const address = l.words[0]!;
      const loopback = address.startsWith('127.') && own(w.name);
      return !loopback && address !== w.also;
    });
    if (!first) missing.push(w);
    else if (first.words[0] !== w.address) astray.push({ wanted: w, number: first.number, address: first.words[0]! });
  }
  const findings: Finding[] = [];
  if (missing.length > 0) {
    const names = missing.map((w) => `${w.name} (${w.address})`);
    findings.push({
      step: 'T2',
      host: host.name,
      wrong: {
        en: `${HOSTS_FILE} has no line for ${joined(names, 'and')}: ${host.name} cannot resolve ${missing.length > 1 ? 'those names' : 'that name'}`,
        es: `${HOSTS_FILE} de tu ${host.name} no tiene línea para ${joined(names, 'y')}: no puede resolver ${missing.length > 1 ? 'esos nombres' : 'ese nombre'}`,
      },
      fix: {
        en: `add ${joined(missing.map(line), 'and')} to ${HOSTS_FILE} on ${host.name} (step T2)`,
        es: `añade ${joined(missing.map(line), 'y')} a ${HOSTS_FILE} de tu ${host.name} (paso T2)`,
      },
    });
  }
  if (astray.length > 0) {
    const shownAstray = astray.slice(0, 5);
    findings.push({
      step: 'T2',
      host: host.name,
      wrong: {
        en: `${HOSTS_FILE} maps ${joined(
          shownAstray.map((a) => `${a.wanted.name} to ${shown(a.address)} (line ${a.number})`),
          'and',
        )}, but ${joined(
          shownAstray.map((a) => `${a.wanted.name} is ${a.wanted.address}`),
          'and',
        )}`,
        es: `${HOSTS_FILE} de tu ${host.name} asocia ${joined(
          shownAstray.map((a) => `${a.wanted.name} a ${shown(a.address)} (línea ${a.number})`),
          'y',
        )}, pero ${joined(
          shownAstray.map((a) => `${a.wanted.name} es ${a.wanted.address}`),
          'y',
        )}`,
      },
      fix: {
        en: `write ${joined(
          shownAstray.map((a) => `${line(a.wanted)} on line ${a.number}`),
          'and',
        )} of ${HOSTS_FILE} on ${host.name} (step T2)`,
        es: `escribe ${joined(
          shownAstray.map((a) => `${line(a.wanted)} en la línea ${a.number}`),
          'y',
        )} de ${HOSTS_FILE} de tu ${host.name} (paso T2)`,
      },
    });
  }
  return findings;
}

export const hostsMistakes: MistakeFinder = {
  files: () => [HOSTS_FILE],
  find(lab, holdings) {
    return lab.hosts.flatMap((host) => {
      const machine = holdings.get(host.name);
      return machine ? hostsFindings(lab, host, machine) : [];
    });
  },
};
