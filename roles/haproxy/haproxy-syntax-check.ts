// The host's own `haproxy -c` on the haproxy.cfg a definition renders, where HAProxy is installed:
// what the definition's rules cannot foresee is refused before anything is created, each alert
// placed at the field its line came from. HAProxy's validator (roles/component.ts), run by
// lab:validate, lab:up and lab; never by plain parsing, so the unit tests stay fast and a host
// without HAProxy still works (rules only).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haproxyConfigVars } from './haproxy-role.ts';
import type { FieldProblem } from '../../lib/lab/load.ts';
import type { Lab } from '../../lib/lab/model.ts';
import type { ConfigValidator, RenderedConfig } from '../component.ts';
import type { FieldPath } from '../../lib/lab/yaml-fields.ts';
import { renderTemplate } from '../../lib/render/templates.ts';

/** The machines' HAProxy (Debian 12): an older one on the host would refuse what they accept. */
const MACHINE_HAPROXY: readonly [number, number] = [2, 6];
/** Stands for the lab's stats password, which lives in the state folder, not the definition. */
const PASSWORD_STANDIN = 'hafarmcheck';
/** Where the haproxy role writes it. */
const HAPROXY_CFG = '/etc/haproxy/haproxy.cfg';

/** The host's HAProxy version when it can judge the machines' haproxy.cfg, else undefined. */
export function hostHaproxyVersion(): string | undefined {
  const result = spawnSync('haproxy', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  const version = /HAProxy version (\d+)\.(\d+)(\.\d+)?/.exec(result.stdout ?? '');
  if (!version) return undefined;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  const recentEnough = major > MACHINE_HAPROXY[0] || (major === MACHINE_HAPROXY[0] && minor >= MACHINE_HAPROXY[1]);
  return recentEnough ? `${version[1]}.${version[2]}${version[3] ?? ''}` : undefined;
}

/** The field a line of the rendered haproxy.cfg came from; undefined for the template's own lines. */
export function fieldOfConfigLine(lab: Lab, lines: readonly string[], lineNumber: number): FieldPath | undefined {
  const [word, second] = (lines[lineNumber - 1] ?? '').trim().split(/\s+/);
  const inListen = lines.slice(0, lineNumber - 1).some((l) => l.startsWith('listen '));
  if (word === 'timeout' && (second === 'connect' || second === 'client' || second === 'server'))
    return ['haproxy', 'timeouts', second];
  if (word === 'listen') return ['haproxy', 'listen'];
  if (word === 'bind') return ['haproxy', 'port'];
  if (word === 'stats' && second === 'uri') return ['haproxy', 'stats', 'uri'];
  if (word === 'stats' && second === 'auth') return ['haproxy', 'stats', 'user'];
  if (word === 'balance') return ['haproxy', 'balance'];
  if (word === 'cookie') return ['haproxy', 'cookie', 'name'];
  if (word === 'option' && inListen && second !== undefined && lab.haproxy.options.includes(second))
    return ['haproxy', 'options', lab.haproxy.options.indexOf(second)];
  const server = word === 'server' ? lab.hosts.findIndex((h) => h.name === second) : -1;
  return server >= 0 ? ['hosts', server] : undefined;
}

const ALERT = /^\[ALERT\][^:]*: config : (.*)$/;
const AT_LINE = /^parsing \[[^\]]*:(\d+)\] : (.*)$/;
const SUMMARY = /^(Error\(s\) found in configuration file|Fatal errors found in configuration)/;

/**
 * haproxy -c's alerts as problems of the definition's fields. An alert on a line of the
 * template's own (errorfile, user…) says the host's HAProxy is installed differently from the
 * machines', not that the definition is wrong: it is left out.
 */
export function alertsToProblems(lab: Lab, config: string, output: string, version: string): FieldProblem[] {
  const lines = config.split('\n');
  const allowed = `what HAProxy ${version} accepts (haproxy -c on this host)`;
  return output.split('\n').flatMap((line) => {
    const alert = ALERT.exec(line.trim())?.[1];
    if (!alert || SUMMARY.test(alert)) return [];
    const atLine = AT_LINE.exec(alert);
    if (!atLine) return [{ field: ['haproxy'], problem: `haproxy -c: ${alert}`, allowed }];
    const field = fieldOfConfigLine(lab, lines, Number(atLine[1]));
    return field ? [{ field, problem: `haproxy -c: ${atLine[2]}`, allowed }] : [];
  });
}

/** haproxy -c on one haproxy.cfg, in a folder of its own. */
export function haproxyConfigProblems(lab: Lab, config: string, version: string): FieldProblem[] {
  const dir = mkdtempSync(join(tmpdir(), 'hafarm-haproxy-c-'));
  try {
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, config, { mode: 0o600 });
    const result = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: 30_000 });
    if (result.error)
      return [
        {
          field: ['haproxy'],
          problem: `haproxy -c could not run: ${result.error.message}`,
          allowed: 'a host whose haproxy -c answers',
        },
      ];
    return result.status === 0
      ? []
      : alertsToProblems(lab, config, `${result.stdout ?? ''}${result.stderr ?? ''}`, version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** haproxy -c on the haproxy.cfg the definition renders (the stats password a stand-in). */
export function haproxySyntaxProblems(lab: Lab, version: string): FieldProblem[] {
  const config = renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', haproxyConfigVars(lab, PASSWORD_STANDIN));
  return haproxyConfigProblems(lab, config, version);
}

/** The first of each distinct file: the balancers' haproxy.cfg are one file. */
function distinct(files: readonly RenderedConfig[], path: string): RenderedConfig[] {
  const contents = new Map<string, RenderedConfig>();
  for (const file of files) if (file.path === path && !contents.has(file.content)) contents.set(file.content, file);
  return [...contents.values()];
}

export const haproxyValidator: ConfigValidator = {
  files: 'haproxy.cfg',
  command: 'haproxy -c',
  program: 'HAProxy',
  oldest: MACHINE_HAPROXY.join('.'),
  hostVersion: hostHaproxyVersion,
  problems: (lab, files, version) =>
    distinct(files, HAPROXY_CFG).flatMap((file) => haproxyConfigProblems(lab, file.content, version)),
};
