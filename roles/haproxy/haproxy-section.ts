// Reading and checking the `haproxy:` section of lab.yaml (T8): each field's shape, then the rules
// lab:verify's windows put on the health checks and the client timeout.
import type { Node } from 'yaml';
import type { DefinitionSection, FarmFacts } from '../../lib/lab/definition-parts.ts';
import { notReserved, pattern, PATTERNS } from '../../lib/lab/field-values.ts';
import type { Lab } from '../../lib/lab/model.ts';
import { quoted } from '../../lib/printable.ts';
import { RESERVED_PORTS } from '../../lib/lab/reserved-names.ts';
import type { FieldPath, FieldReader } from '../../lib/lab/yaml-fields.ts';
import { HAPROXY_OPTIONS } from './haproxy-options.ts';
import {
  BALANCE_ALGORITHMS,
  COOKIE_MODES,
  type HaproxySettings,
  type HealthCheckSettings,
} from './haproxy-settings.ts';
import { HAPROXY_TIME_PATTERN, MAX_HAPROXY_TIME_MS, haproxyTimeMs } from './haproxy-time.ts';
import { HAPROXY_CHECK_DEFAULTS, HEALTH_CHECK_BOUNDS } from './health-check.ts';

const HAPROXY_TIME = { re: HAPROXY_TIME_PATTERN, allowed: 'an HAProxy time such as 5s, 500ms or 1m' };

/** The shortest `timeout client` V1's held request outlasts its requests with (lib/verify/checks/balancing.ts). */
export const MIN_CLIENT_TIMEOUT_MS = 10_000;

function port(r: FieldReader, path: FieldPath, node: unknown): number | undefined {
  return notReserved(r, path, node, r.int(path, node, 1, 65535), RESERVED_PORTS, 'a free TCP port such as 80');
}

/**
 * HAProxy answers with its statistics page every GET, HEAD or POST whose URI (path and query)
 * begins with `stats uri` (its configuration manual: "stats uri <prefix>"; http_stats_check_uri
 * compares that many bytes): "/" would put the page over the whole site, "/i" over /index.html.
 */
const STATS_URI_ALLOWED =
  'a path of its own that begins no page of the site, such as /haproxy?stats (the tutorial\'s): not "/", no empty, "." or ".." part';

function statsUri(r: FieldReader, path: FieldPath, node: unknown, farm: FarmFacts): string | undefined {
  const uri = pattern(r, path, node, PATTERNS.uri);
  if (uri === undefined) return undefined;
  const refuse = (problem: string) =>
    r.report(path, node as Node, problem, `${STATS_URI_ALLOWED}; the site serves ${farm.sitePaths.join(', ')}`);
  if (uri === '/')
    return refuse(
      '"/" begins every request: HAProxy would answer all of them with its statistics page (stats uri matches by prefix), so the site would never be served',
    );
  const [uriPath = '', query] = uri.split('?');
  if (uriPath.includes('//') || /\/\.\.?(\/|$)/.test(uriPath))
    return refuse(
      `${quoted(uri)} has an empty, "." or ".." part in its path: browsers and nginx rewrite such a path, so the page would not be where the URI says`,
    );
  const page = farm.sitePaths.find((sitePath) => sitePath.startsWith(uriPath));
  if (page === undefined) return uri;
  const which = query === undefined ? 'every request' : `the requests with a query that begins "?${query}"`;
  return refuse(
    `${quoted(uri)} begins ${which} for ${page}, a page of the site: HAProxy answers every request that begins with its stats uri with the statistics page, so that page would never be served`,
  );
}

function haproxyTime(r: FieldReader, path: FieldPath, node: unknown): string | undefined {
  const text = pattern(r, path, node, HAPROXY_TIME);
  if (text === undefined) return undefined;
  const ms = haproxyTimeMs(text);
  if (ms > 0 && ms <= MAX_HAPROXY_TIME_MS) return text;
  return r.report(
    path,
    node as Node,
    `${text} is ${ms === 0 ? 'zero' : 'longer than HAProxy can count'}`,
    `from 1us to ${MAX_HAPROXY_TIME_MS}ms (about 24.8 days), such as 5s`,
  );
}

/** haproxy.check: each setting optional, HAProxy's own value when absent (what a bare `check` keeps). */
function healthCheck(r: FieldReader, node: unknown): Partial<HealthCheckSettings> | undefined {
  const path = ['haproxy', 'check'];
  const map = r.map(path, node, [], ['inter', 'fall', 'rise']);
  if (!map) return undefined;
  const { interMs, count } = HEALTH_CHECK_BOUNDS;
  const interAt = r.child(map, 'inter');
  let inter: string | undefined = HAPROXY_CHECK_DEFAULTS.inter;
  if (map.has('inter')) {
    inter = pattern(r, [...path, 'inter'], interAt, HAPROXY_TIME);
    const ms = inter === undefined ? undefined : haproxyTimeMs(inter);
    if (ms !== undefined && (ms < interMs.min || ms > interMs.max)) {
      inter = r.report(
        [...path, 'inter'],
        interAt as Node,
        `${inter} is out of range`,
        `from ${interMs.min}ms to ${interMs.max / 1000}s, such as 2s (HAProxy's own)`,
      );
    }
  }
  const countOf = (key: 'fall' | 'rise') =>
    map.has(key) ? r.int([...path, key], r.child(map, key), count.min, count.max) : HAPROXY_CHECK_DEFAULTS[key];
  return { inter, fall: countOf('fall'), rise: countOf('rise') };
}

function readHaproxy(r: FieldReader, node: unknown, farm: FarmFacts): HaproxySettings | undefined {
  const hap = r.map(
    ['haproxy'],
    node,
    ['listen', 'port', 'balance', 'options', 'cookie', 'stats', 'timeouts'],
    ['check'],
  );
  if (!hap) return undefined;
  const cookie = r.map(['haproxy', 'cookie'], r.child(hap, 'cookie'), ['name', 'mode']);
  const stats = r.map(['haproxy', 'stats'], r.child(hap, 'stats'), ['uri', 'user']);
  const timeouts = r.map(['haproxy', 'timeouts'], r.child(hap, 'timeouts'), ['connect', 'client', 'server']);
  // Undefined values are left in: the reader returns no model unless every field read cleanly.
  return {
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
      uri: statsUri(r, ['haproxy', 'stats', 'uri'], r.child(stats, 'uri'), farm),
      user: pattern(r, ['haproxy', 'stats', 'user'], r.child(stats, 'user'), PATTERNS.token),
    },
    timeouts: timeouts && {
      connect: haproxyTime(r, ['haproxy', 'timeouts', 'connect'], r.child(timeouts, 'connect')),
      client: haproxyTime(r, ['haproxy', 'timeouts', 'client'], r.child(timeouts, 'client')),
      server: haproxyTime(r, ['haproxy', 'timeouts', 'server'], r.child(timeouts, 'server')),
    },
  } as HaproxySettings;
}

/** The windows lab:verify waits for (health-check-windows.ts), from the definition's health-check settings. */
function checkHealthCheckWindows(r: FieldReader, lab: Lab): void {
  const { inter, fall, rise } = lab.haproxy.check;
  const interMs = haproxyTimeMs(inter);
  const limit = HEALTH_CHECK_BOUNDS.windowMs;
  const s = (ms: number) => `${ms / 1000} s`;
  if (2 * fall * interMs > limit) {
    r.reportField(
      ['haproxy', 'check'],
      `fall ${fall} × inter ${inter} gives a server ${s(2 * fall * interMs)} to show DOWN (a failing check waits inter, the next starts inter later): V3 keeps the farm under load that long`,
      `2 × fall × inter at most ${s(limit)}`,
    );
  }
  if ((rise + 1) * interMs > limit) {
    r.reportField(
      ['haproxy', 'check'],
      `rise ${rise} × inter ${inter} gives a server that came back ${s((rise + 1) * interMs)} to show UP: V1 and V3 wait that long`,
      `(rise + 1) × inter at most ${s(limit)}`,
    );
  }
}

function checkHaproxy(r: FieldReader, lab: Lab): void {
  checkHealthCheckWindows(r, lab);
  // V1 keeps one server busy with a request whose body never comes while it sends others beside
  // it; HAProxy ends such a request after `timeout client`.
  const clientMs = haproxyTimeMs(lab.haproxy.timeouts.client);
  if (clientMs < MIN_CLIENT_TIMEOUT_MS) {
    r.reportField(
      ['haproxy', 'timeouts', 'client'],
      `${lab.haproxy.timeouts.client} is too short for lab:verify's V1, which holds a request open to one server (its body never sent) while it sends others, and HAProxy ends it after timeout client`,
      `${MIN_CLIENT_TIMEOUT_MS / 1000}s or more, such as 50s (the tutorial's)`,
    );
  }
}

export const haproxySection: DefinitionSection = { key: 'haproxy', read: readHaproxy, checkLab: checkHaproxy };
