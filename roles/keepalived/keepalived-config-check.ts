// The host's own `keepalived -t` (its --config-test) on each balancer's keepalived.conf the
// definition renders, where keepalived is installed: keepalived's validator (roles/component.ts).
// Each complaint is placed at the definition field its line came from. keepalived -t also checks
// what belongs to the machine, not the file: the interfaces it names (eth1, eth2) and the check
// script (/etc/keepalived/haproxy-running), which this host need not have. Those complaints are
// left out; the rules of the definition check the interface names. Never a daemon started: -t
// reads the file and exits.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldProblem } from '../../lib/lab/load.ts';
import type { Host, Lab } from '../../lib/lab/model.ts';
import type { FieldPath } from '../../lib/lab/yaml-fields.ts';
import { distinctProblems, type ConfigValidator, type RenderedConfig } from '../component.ts';
import { HAPROXY_CHECK_SCRIPT, KEEPALIVED_CONF } from './keepalived-role.ts';

/** The machines' keepalived (Debian 12's 2.2.7): an older one may refuse what theirs accepts. */
const MACHINE_KEEPALIVED: readonly [number, number] = [2, 2];

/** The host's keepalived version when it can judge the machines' keepalived.conf, else undefined. */
export function hostKeepalivedVersion(): string | undefined {
  const result = spawnSync('keepalived', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = /Keepalived v(\d+)\.(\d+)(\.\d+)?/.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (!version) return undefined;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  const recentEnough =
    major > MACHINE_KEEPALIVED[0] || (major === MACHINE_KEEPALIVED[0] && minor >= MACHINE_KEEPALIVED[1]);
  return recentEnough ? `${version[1]}.${version[2]}${version[3] ?? ''}` : undefined;
}

/** The field a line of a balancer's keepalived.conf came from; undefined for the template's own lines. */
export function fieldOfKeepalivedLine(lab: Lab, host: Host, line: string): FieldPath | undefined {
  const words = line.trim().split(/\s+/);
  const hostIndex = lab.hosts.findIndex((h) => h.name === host.name);
  switch (words[0]) {
    case 'advert_int':
      return ['keepalived', 'advert_int'];
    case 'virtual_router_id':
      return ['keepalived', 'virtual_router_id'];
    case 'vrrp_version':
      return ['keepalived', 'version'];
    case 'interval':
      return ['keepalived', 'check_interval'];
    case 'nopreempt':
      return ['keepalived', 'preempt'];
    case 'interface':
      return ['networks', 'heartbeat', 'interface'];
    case 'router_id':
      return ['hosts', hostIndex, 'name'];
    case 'state':
    case 'priority':
      return ['hosts', hostIndex, 'role'];
  }
  // the VIP: "192.168.1.100/24 dev eth1"
  if (words.length === 3 && words[1] === 'dev') return ['vip', 'address'];
  return undefined;
}

/** What keepalived -t says of the machine, not of the file: this host lacks the balancers' interfaces or the check script. */
const MACHINE_ONLY = [
  /\binterface \S+ for .* doesn't exist/,
  /^Non-existent interface specified in configuration/,
  /track script \S+ since not found\/accessible/,
];

/** "(FILE: Line 29) number '0.3000…' has too many decimal places" */
const AT_LINE = /^\(.*: Line (\d+)\) (.*)$/;

/** keepalived -t's output on one balancer's file as problems of the definition's fields. */
export function keepalivedOutputToProblems(
  lab: Lab,
  host: Host,
  config: string,
  output: string,
  version: string,
): FieldProblem[] {
  const lines = config.split('\n');
  const allowed = `what keepalived ${version} accepts (keepalived -t on this host)`;
  return output.split('\n').flatMap((raw) => {
    const line = raw.trim();
    if (line === '' || line.includes(HAPROXY_CHECK_SCRIPT) || MACHINE_ONLY.some((re) => re.test(line))) return [];
    const atLine = AT_LINE.exec(line);
    if (!atLine) return [{ field: ['keepalived'], problem: `keepalived -t: ${line}`, allowed }];
    const field = fieldOfKeepalivedLine(lab, host, lines[Number(atLine[1]) - 1] ?? '');
    return field ? [{ field, problem: `keepalived -t: ${atLine[2]}`, allowed }] : [];
  });
}

/** keepalived -t on one balancer's keepalived.conf, in a folder of its own. */
export function keepalivedConfigProblems(lab: Lab, host: Host, config: string, version: string): FieldProblem[] {
  const dir = mkdtempSync(join(tmpdir(), 'hafarm-keepalived-t-'));
  try {
    // keepalived skips an executable configuration file and still exits 0: never executable
    const file = join(dir, 'keepalived.conf');
    writeFileSync(file, config, { mode: 0o600 });
    const result = spawnSync('keepalived', ['-t', '-f', file], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    if (result.error)
      return [
        {
          field: ['keepalived'],
          problem: `keepalived -t could not run: ${result.error.message}`,
          allowed: 'a host whose keepalived -t answers',
        },
      ];
    return keepalivedOutputToProblems(lab, host, config, `${result.stdout ?? ''}${result.stderr ?? ''}`, version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const keepalivedValidator: ConfigValidator = {
  files: 'keepalived.conf',
  command: 'keepalived -t',
  program: 'keepalived',
  oldest: MACHINE_KEEPALIVED.join('.'),
  hostVersion: hostKeepalivedVersion,
  problems: (lab, files: readonly RenderedConfig[], version) =>
    distinctProblems(
      files
        .filter((file) => file.path === KEEPALIVED_CONF)
        .flatMap((file) => keepalivedConfigProblems(lab, file.host, file.content, version)),
    ),
};
