// The host's own validators of the files a definition renders (issue 27, class 6): keepalived -t
// and nginx -t beside haproxy -c, each declared by its component (Component.validator) and run by
// lab:validate, lab:up and lab for the components the lab runs. The real programs of this host
// (scripts/prepare-test-host.ts installs them) refuse a broken rendered file at the definition's
// field and pass the tutorial's; a stand-in shows the wiring where the program is missing, too
// old or refusing.
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLab, parseLab } from '../../lib/farm/load-lab.ts';
import type { Lab } from '../../lib/lab/model.ts';
import type { RenderedConfig } from '../../roles/component.ts';
import { hostConfigChecks } from '../../roles/components.ts';
import { hostKeepalivedVersion, keepalivedValidator } from '../../roles/keepalived/keepalived-config-check.ts';
import { hostNginxVersion, nginxValidator } from '../../roles/nginx/nginx-config-check.ts';
import { farmPlaybook } from '../../roles/playbook.ts';
import { renderHost } from '../../roles/render-lab.ts';
import { FOUR_WEB_LAB, KEEPALIVED_THREE_LAB, TUTORIAL_LAB, hafarm, scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('host-validators');
afterAll(() => scratch.remove());
const TUTORIAL = readFileSync(TUTORIAL_LAB, 'utf8');
const withKeepalived = (section = '') => `${TUTORIAL}\nha:\n  stack: keepalived\n${section}`;
const SECRETS = { statsPassword: 'Abc123', heartbeatAuthkey: 'a'.repeat(48), keepalivedAuthPass: 'Ab3dE6gH' };

/** Every file the lab's roles write on every host, as lab:render renders them. */
function rendered(lab: Lab): RenderedConfig[] {
  return lab.hosts.flatMap((host) =>
    renderHost(lab, host, farmPlaybook(lab), SECRETS).map((file) => ({ ...file, host })),
  );
}

/** The lab through every validator of the components it runs: the problems, and what each said. */
function checked(lab: Lab) {
  const { rule, checks } = hostConfigChecks();
  return { problems: rule(lab), checks };
}

describe('keepalived -t of this host', () => {
  const version = hostKeepalivedVersion();
  const allowed = `what keepalived ${version} accepts (keepalived -t on this host)`;

  it('is keepalived 2.2 or newer, as the machines run', () => {
    expect(version).toMatch(/^2\.2\./);
  });

  it.each([
    ['VRRPv2, the stock interval', ''],
    ['VRRPv3, 0.1 s', 'keepalived:\n  version: 3\n  advert_int: 0.1\n'],
    ['VRRPv3, 0.3 s', 'keepalived:\n  version: 3\n  advert_int: 0.3\n'],
    ['VRRPv3, 1.05 s', 'keepalived:\n  version: 3\n  advert_int: 1.05\n'],
    ['VRRPv3, 0.01 s', 'keepalived:\n  version: 3\n  advert_int: 0.01\n'],
    ['VRRPv3, 40.95 s', 'keepalived:\n  version: 3\n  advert_int: 40.95\n'],
    ['VRRPv2, 255 s, nopreempt', 'keepalived:\n  advert_int: 255\n  preempt: false\n'],
  ])("passes every balancer's keepalived.conf: %s", (_name, section) => {
    const { problems, checks } = checked(parseLab(withKeepalived(section), '/labs/ka.yaml'));
    expect(problems).toEqual([]);
    expect(checks).toContainEqual({
      files: 'keepalived.conf',
      says: `passes keepalived -t (keepalived ${version} on this host)`,
    });
  });

  it('passes the three balancers of a keepalived farm', () => {
    expect(checked(loadLab(KEEPALIVED_THREE_LAB)).problems).toEqual([]);
  });

  const lab = parseLab(withKeepalived('keepalived:\n  version: 3\n  advert_int: 0.3\n'), '/labs/ka.yaml');
  const files = rendered(lab).filter((f) => f.path === '/etc/keepalived/keepalived.conf');
  const broken = (from: string, to: string) => {
    expect(files[0]!.content).toContain(from);
    return files.map((f) => ({ ...f, content: f.content.replace(from, to) }));
  };

  it.each([
    [
      'the binary artifact 0.1 + 0.2 written as is (what the farm wrote before)',
      ['  advert_int 0.3\n', `  advert_int ${0.1 + 0.2}\n`],
      {
        field: ['keepalived', 'advert_int'],
        problem: "keepalived -t: number '0.30000000000000004' has too many decimal places",
      },
    ],
    [
      'a router id out of range',
      ['  virtual_router_id 51\n', '  virtual_router_id 300\n'],
      { field: ['keepalived', 'virtual_router_id'], problem: "keepalived -t: number '300' outside range [1, 255]" },
    ],
    [
      'an interval below a centisecond',
      ['  advert_int 0.3\n', '  advert_int 0.001\n'],
      {
        field: ['keepalived', 'advert_int'],
        problem: "keepalived -t: number '0.001' outside range [0.010000, 255.000000]",
      },
    ],
    [
      'a check interval that is no number',
      ['  interval 1\n', '  interval x\n'],
      { field: ['keepalived', 'check_interval'], problem: expect.stringMatching(/^keepalived -t: .*'x'/) },
    ],
  ])('refuses a broken file at the field its line came from: %s', (_name, [from, to], expected) => {
    const problems = keepalivedValidator.problems(lab, broken(from!, to!), version!);
    expect(problems).toContainEqual({ ...expected, allowed });
    // each problem once, though both balancers' files have it
    expect(new Set(problems.map((p) => JSON.stringify(p))).size).toBe(problems.length);
  });
});

describe('nginx -t of this host', () => {
  const version = hostNginxVersion();

  it('is nginx 1.22 or newer, as the machines run', () => {
    expect(version).toMatch(/^1\.(2[2-9]|[3-9]\d)\./);
  });

  it.each([
    ['the tutorial', TUTORIAL],
    ['cookie insert', TUTORIAL.replace('mode: prefix', 'mode: insert')],
    [
      'cookie rewrite, another name',
      TUTORIAL.replace('mode: prefix', 'mode: rewrite').replace('name: JSESSIONID', 'name: SERVERID'),
    ],
    ['four web servers', readFileSync(FOUR_WEB_LAB, 'utf8')],
  ])("passes every web server's snippet: %s", (_name, text) => {
    const { problems, checks } = checked(parseLab(text, '/labs/web.yaml'));
    expect(problems).toEqual([]);
    expect(checks).toContainEqual({ files: 'nginx snippet', says: `passes nginx -t (nginx ${version} on this host)` });
  });

  it('refuses a broken snippet at the cookie name', () => {
    const lab = parseLab(TUTORIAL, '/labs/web.yaml');
    const files = rendered(lab)
      .filter((f) => f.path.startsWith('/etc/nginx/'))
      .map((f) => ({ ...f, content: f.content.replace('; Path=/";', '; Path=/" always extra;') }));
    expect(nginxValidator.problems(lab, files, version!)).toEqual([
      {
        field: ['haproxy', 'cookie', 'name'],
        problem: 'nginx -t: invalid number of arguments in "add_header" directive',
        allowed: `what nginx ${version} accepts (nginx -t on this host)`,
      },
    ]);
  });
});

/** A folder with a definition and stand-in programs on PATH before the real ones. */
function standIns(name: string, text: string, programs: Record<string, string>) {
  const dir = join(scratch.dir, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'lab.yaml'), text);
  for (const [program, script] of Object.entries(programs)) {
    writeFileSync(join(dir, 'bin', program), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, 'bin', program), 0o755);
  }
  return { dir, env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}` } };
}

describe('lab:validate runs the validators of the components the lab runs', () => {
  it('says what each checked: keepalived.conf only with ha.stack keepalived', async () => {
    const heartbeat = await hafarm(['validate', '--lab', TUTORIAL_LAB], { cwd: scratch.dir });
    expect(heartbeat.exitCode).toBe(0);
    expect(heartbeat.stdout).toMatch(
      /\n {2}haproxy\.cfg: passes haproxy -c \(HAProxy [\d.]+ on this host\)\n {2}nginx snippet: passes nginx -t \(nginx [\d.]+ on this host\)$/,
    );
    const file = join(scratch.dir, 'ka.yaml');
    writeFileSync(file, withKeepalived('keepalived:\n  version: 3\n  advert_int: 0.3\n'));
    const keepalived = await hafarm(['validate', '--lab', file], { cwd: scratch.dir });
    expect(keepalived.exitCode).toBe(0);
    expect(keepalived.stdout).toMatch(
      /\n {2}haproxy\.cfg: passes haproxy -c \(HAProxy [\d.]+ on this host\)\n {2}keepalived\.conf: passes keepalived -t \(keepalived [\d.]+ on this host\)\n {2}nginx snippet: passes nginx -t \(nginx [\d.]+ on this host\)$/,
    );
  });

  it('checks by rules only where a program is missing or older than the machines’, and says so', async () => {
    const { dir, env } = standIns('missing', withKeepalived(), {
      keepalived: `echo 'Keepalived v2.0.19 (10/19,2019)' >&2; exit 0`,
      nginx: 'exit 127',
    });
    const result = await hafarm(['validate'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      '  keepalived.conf: checked by rules only (no keepalived 2.2 or newer on this host for keepalived -t)\n',
    );
    expect(result.stdout).toContain(
      '  nginx snippet: checked by rules only (no nginx 1.22 or newer on this host for nginx -t)',
    );
  });

  it.each([
    ['validate', ['validate']],
    ['up --provider virtualbox', ['up', '--provider', 'virtualbox']],
  ])('%s: a refusing keepalived -t is placed at the field in lab.yaml, nothing created', async (name, args) => {
    const text = withKeepalived('keepalived:\n  version: 3\n  advert_int: 0.3\n');
    const { dir, env } = standIns(`refusing-${name.replace(/\W+/g, '-')}`, text, {
      keepalived: `[ "$1" = --version ] && { echo 'Keepalived v2.2.7 (01/16,2022)' >&2; exit 0; }
n=$(grep -n '^  advert_int ' "$3" | cut -d: -f1)
echo "($3: Line $n) number '0.3' has too many decimal places" >&2
exit 1`,
    });
    const result = await hafarm(args, { cwd: dir, env });
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l === '  advert_int: 0.3');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `hafarm: lab.yaml: the lab definition has 1 problem; nothing was created.\n  lab.yaml:${line + 1}:15: keepalived.advert_int: keepalived -t: number '0.3' has too many decimal places (allowed: what keepalived 2.2.7 accepts (keepalived -t on this host))`,
    );
    expect(readdirSync(dir).sort()).toEqual(['bin', 'lab.yaml']);
  });
});
