// lab:import of HAProxy as a student configured it (T8): the haproxy: section from the master's
// haproxy.cfg, read from the section that listens on the VIP (a listen or frontend with a bind
// on it, or 1.4's `listen NAME VIP:PORT`) and from defaults; what is not there is the
// tutorial's value, said in a note.
import type { ImportedFarm, ImportedSection, SectionImport } from '../farm-import.ts';
import { configLines, shown, type ConfigLine, type MachineHoldings } from '../mistakes.ts';
import { HAPROXY_CFG, HAPROXY_SECTIONS } from './haproxy-mistakes.ts';
import { HAPROXY_OPTIONS } from './haproxy-options.ts';
import { BALANCE_ALGORITHMS, COOKIE_MODES } from './haproxy-settings.ts';
import { HAPROXY_CHECK_DEFAULTS } from './health-check.ts';
import { HAPROXY_TIME_PATTERN } from './haproxy-time.ts';

const TOKEN = /^[A-Za-z0-9_.-]{1,64}$/;
const OLD_TIMEOUTS: Record<string, string> = { contimeout: 'connect', clitimeout: 'client', srvtimeout: 'server' };
const TUTORIAL = {
  listen: 'web-cluster',
  port: 80,
  balance: 'roundrobin',
  options: ['httpclose', 'forwardfor'],
  cookie: { name: 'JSESSIONID', mode: 'prefix' },
  stats: { uri: '/haproxy?stats', user: 'admin' },
  timeouts: { connect: '5s', client: '50s', server: '50s' },
};

interface Section {
  kind: string;
  name?: string;
  lines: ConfigLine[];
}

function sections(content: string): Section[] {
  const found: Section[] = [];
  for (const line of configLines(content)) {
    if (HAPROXY_SECTIONS.has(line.words[0]!)) found.push({ kind: line.words[0]!, name: line.words[1], lines: [line] });
    else found.at(-1)?.lines.push(line);
  }
  return found;
}

/** The port a bind address ("192.168.1.100:80", "*:80", ":80") gives for the VIP, or undefined. */
function portOn(address: string, vip: string): number | undefined {
  const match = /^(?:[a-z0-9]+@)?(.*):(\d{1,5})$/.exec(address);
  if (!match || !['', '*', '0.0.0.0', vip].includes(match[1]!)) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function section(holdings: ReadonlyMap<string, MachineHoldings>, farm: ImportedFarm): ImportedSection {
  const notes: string[] = [];
  const config = holdings.get(farm.master)?.files.get(HAPROXY_CFG)?.content;
  if (config === undefined) {
    notes.push(`haproxy: ${farm.master} has no ${HAPROXY_CFG}: the tutorial's values kept`);
    return { values: { ...TUTORIAL, check: { ...HAPROXY_CHECK_DEFAULTS } }, notes };
  }
  const all = sections(config);
  let port: number | undefined;
  const site = all.find((s) => {
    if (s.kind !== 'listen' && s.kind !== 'frontend') return false;
    const addresses = [
      ...(s.lines[0]!.words[2] ? [s.lines[0]!.words[2]] : []),
      ...s.lines.filter((l) => l.words[0] === 'bind').map((l) => l.words[1] ?? ''),
    ];
    port = addresses.map((a) => portOn(a, farm.vip.address)).find((p) => p !== undefined);
    return port !== undefined;
  });
  if (!site)
    notes.push(
      `haproxy: no listen section of ${HAPROXY_CFG} binds ${farm.vip.address}: the tutorial's listen and port kept`,
    );
  const defaults = all.filter((s) => s.kind === 'defaults').flatMap((s) => s.lines.slice(1));
  const own = site?.lines.slice(1) ?? [];
  // the site's own line first, then defaults'
  const first = (word: string) => own.find((l) => l.words[0] === word) ?? defaults.find((l) => l.words[0] === word);
  const taken = <T>(field: string, value: T | undefined, fallback: T, said?: string): T => {
    if (value !== undefined) return value;
    notes.push(`haproxy.${field}: ${said ?? 'not in haproxy.cfg'}; the tutorial's ${JSON.stringify(fallback)} kept`);
    return fallback;
  };
  const name = site?.name !== undefined && TOKEN.test(site.name) ? site.name : undefined;
  const balance = first('balance')?.words[1];
  const cookie = first('cookie')?.words;
  const auth = first('stats') && [...own, ...defaults].find((l) => l.words[0] === 'stats' && l.words[1] === 'auth');
  const user = auth?.words[2]?.split(':')[0];
  const uri = [...own, ...defaults].find((l) => l.words[0] === 'stats' && l.words[1] === 'uri')?.words[2];
  const timeout = (which: 'connect' | 'client' | 'server') => {
    const line =
      [...own, ...defaults].find((l) => l.words[0] === 'timeout' && l.words[1] === which) ??
      [...own, ...defaults].find((l) => OLD_TIMEOUTS[l.words[0]!] === which);
    const value = line?.words[0] === 'timeout' ? line.words[2] : line?.words[1];
    return value !== undefined && HAPROXY_TIME_PATTERN.test(value) ? value : undefined;
  };
  const server = site?.lines.find((l) => l.words[0] === 'server');
  const setting = (word: string) => {
    const at = server?.words.indexOf(word) ?? -1;
    return at > 0 ? server!.words[at + 1] : undefined;
  };
  const count = (word: string) => {
    const value = setting(word);
    return value !== undefined && /^\d{1,2}$/.test(value) ? Number(value) : undefined;
  };
  const inter = setting('inter');
  return {
    values: {
      listen: taken(
        'listen',
        name,
        TUTORIAL.listen,
        site ? `the section's name ${shown(site.name ?? '')} is no plain word` : undefined,
      ),
      port: taken('port', port, TUTORIAL.port),
      balance: taken(
        'balance',
        BALANCE_ALGORITHMS.find((b) => b === balance),
        TUTORIAL.balance,
        balance === undefined
          ? undefined
          : `${shown(balance)} is not one hafarm proves (${BALANCE_ALGORITHMS.join(', ')})`,
      ),
      options: own
        .filter((l) => l.words[0] === 'option' && (HAPROXY_OPTIONS as readonly string[]).includes(l.words[1] ?? ''))
        .map((l) => l.words[1]!),
      cookie: taken(
        'cookie',
        cookie && TOKEN.test(cookie[1] ?? '') && COOKIE_MODES.some((m) => m === cookie[2])
          ? { name: cookie[1]!, mode: cookie[2]! }
          : undefined,
        TUTORIAL.cookie,
      ),
      check: {
        inter: inter !== undefined && HAPROXY_TIME_PATTERN.test(inter) ? inter : HAPROXY_CHECK_DEFAULTS.inter,
        fall: count('fall') ?? HAPROXY_CHECK_DEFAULTS.fall,
        rise: count('rise') ?? HAPROXY_CHECK_DEFAULTS.rise,
      },
      stats: {
        uri: uri !== undefined && /^\/[A-Za-z0-9._~/?=&+-]{0,127}$/.test(uri) ? uri : TUTORIAL.stats.uri,
        user: taken(
          'stats.user',
          user !== undefined && TOKEN.test(user) ? user : undefined,
          TUTORIAL.stats.user,
          'no `stats auth USER:PASSWORD` line',
        ),
      },
      timeouts: {
        connect: taken('timeouts.connect', timeout('connect'), TUTORIAL.timeouts.connect),
        client: taken('timeouts.client', timeout('client'), TUTORIAL.timeouts.client),
        server: taken('timeouts.server', timeout('server'), TUTORIAL.timeouts.server),
      },
    },
    notes,
  };
}

/** The web servers in the order of haproxy.cfg's server lines, each found by its name or its address. */
function webOrder(master: MachineHoldings, lanOf: ReadonlyMap<string, string>): string[] | undefined {
  const config = master.files.get(HAPROXY_CFG)?.content;
  if (config === undefined) return undefined;
  const order: string[] = [];
  for (const line of configLines(config).filter((l) => l.words[0] === 'server')) {
    const [name, address] = [line.words[1], line.words[2]?.split(':')[0]];
    const host = [...lanOf].find(([host, lan]) => host === name || lan === address)?.[0];
    if (host && !order.includes(host)) order.push(host);
  }
  return order.length > 0 ? order : undefined;
}

export const haproxyImport: SectionImport = { files: [HAPROXY_CFG], webOrder, section };
