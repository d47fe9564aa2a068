// Labs of the end-to-end tests on the namespace provider (as root): each test file makes its own
// copies of a lab definition under names of its own, drives them with the real CLI, reads the farm
// from the lab's client namespace, and destroys them after its tests, pass or fail, checking that
// nothing is left behind.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { loadLab } from '../../lib/farm/load-lab.ts';
import { netnsNames } from '../../lib/providers/netns/names.ts';
import { loadSecrets } from '../../lib/farm/lab-secrets.ts';
import { labStateDir } from '../../lib/farm/lab-state-dir.ts';
import { parseStatsCsv } from '../../roles/haproxy/haproxy-stats.ts';
import { hafarm, scratchDir } from './cli.ts';

/** A lab of a test: its definition file, its state folder, and the folder the CLI runs in. */
export interface TestLab {
  name: string;
  file: string;
  state: string;
  dir: string;
}

/**
 * A lab name of this file and this process: "e2e", the file's tag (one or two letters), then the
 * process id modulo 1000. A lab name is at most 8 characters (lib/lab/read-definition.ts), which
 * keeps every host link name ("h<name>-lan", "h<name>-01", …) within the kernel's 15.
 */
export function e2eLabName(tag: string): string {
  const name = `e2e${tag}${process.pid % 1000}`;
  if (!/^[a-z][a-z0-9]{0,7}$/.test(name))
    throw new Error(`lab name ${name}: the tag ${tag} makes it longer than a lab name may be`);
  return name;
}

/** A copy of a lab definition under another name, so that the test's resources are its own. */
export function labCopy(dir: string, source: string, name: string): TestLab {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, readFileSync(source, 'utf8').replace(/^name: \w+$/m, `name: ${name}`));
  // Refuses a name the definition does not allow, with the definition's own reason.
  if (loadLab(file).name !== name) throw new Error(`${file}: the lab is not named ${name}`);
  return { name, file, state: join(dir, `${name}-state`), dir };
}

/**
 * The labs of one test file, in a scratch folder of its own. `lab` names a lab at once (the tests
 * refer to it) but writes nothing: `create` (for beforeAll) makes the folder and the definition
 * copies, so that collecting the tests (vitest list) leaves nothing behind. `destroy` (for
 * afterAll) destroys every lab made, whatever state the tests left it in, checks that nothing of
 * it is left, and removes the scratch folder even when that check fails.
 */
export function e2eLabs(tag: string): {
  lab(source: string, labTag: string): TestLab;
  create(): void;
  destroy(): Promise<void>;
} {
  const wanted: Array<{ source: string; name: string }> = [];
  const made = new Map<string, TestLab>();
  let scratch: { dir: string; remove: () => void } | undefined;
  const madeLab = (name: string): TestLab => {
    const lab = made.get(name);
    if (!lab) throw new Error(`lab ${name}: not made yet (call create() in beforeAll)`);
    return lab;
  };
  return {
    lab(source, labTag) {
      const name = e2eLabName(labTag);
      wanted.push({ source, name });
      return {
        name,
        get file() {
          return madeLab(name).file;
        },
        get state() {
          return madeLab(name).state;
        },
        get dir() {
          return madeLab(name).dir;
        },
      };
    },
    create() {
      scratch ??= scratchDir(`e2e-${tag}`);
      for (const { source, name } of wanted) if (!made.has(name)) made.set(name, labCopy(scratch.dir, source, name));
    },
    async destroy() {
      try {
        for (const lab of made.values()) await cli(lab, 'destroy');
        for (const lab of made.values())
          expect(leftovers(lab.file, lab.state), `lab ${lab.name} after destroy`).toEqual(NOTHING);
      } finally {
        // A lab that destroy could not take down still has its machines' roots mounted in the
        // scratch folder: removing it would delete their record and keep the mounts. Left as is,
        // it can still be destroyed by hand (its path is in the failure above).
        const mounted =
          scratch &&
          readFileSync('/proc/self/mounts', 'utf8')
            .split('\n')
            .some((l) => l.split(' ')[1]?.startsWith(scratch!.dir));
        if (!mounted) scratch?.remove();
      }
    },
  };
}

export async function cli(lab: TestLab, ...args: string[]) {
  // Options first: exec passes everything after the host name on to the machine.
  const [command, ...rest] = args;
  return hafarm([command!, '--lab', lab.file, '--state', lab.state, ...rest], { cwd: lab.dir });
}

export async function mustSucceed(lab: TestLab, ...args: string[]) {
  const result = await cli(lab, ...args);
  expect(result.exitCode, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** A lab up and provisioned, for a file whose tests begin with a farm that serves. */
export async function upAndProvisioned(lab: TestLab): Promise<void> {
  await mustSucceed(lab, 'up', '--provider', 'netns');
  await mustSucceed(lab, 'provision');
  await waitFor(`lab ${lab.name} answers`, async () => (await whoAnswers(lab)) !== undefined, 30_000);
}

/** The web server that answers one request to the site, from the lab's client namespace. */
export async function whoAnswers(lab: { file: string }, timeoutSeconds = 2): Promise<string | undefined> {
  const model = loadLab(lab.file);
  const result = await execa(
    'ip',
    [
      'netns',
      'exec',
      netnsNames(model).clientNamespace,
      'curl',
      '-s',
      '-m',
      String(timeoutSeconds),
      '--resolve',
      `${model.vip.name}:80:${model.vip.address}`,
      `http://${model.vip.name}/`,
    ],
    { reject: false },
  );
  return /Bienvenido a nginx! \((\w+)\)/.exec(String(result.stdout))?.[1];
}

/** Each web server's status in HAProxy's stats CSV, read from the lab's client namespace. */
export async function haproxyStatus(lab: { file: string; state: string }): Promise<Map<string, string>> {
  const model = loadLab(lab.file);
  const { statsPassword } = loadSecrets(labStateDir(lab.state));
  const url = `http://${model.vip.address}${model.haproxy.stats.uri};csv`;
  const result = await execa(
    'ip',
    [
      'netns',
      'exec',
      netnsNames(model).clientNamespace,
      'curl',
      '-s',
      '-m',
      '2',
      '-u',
      `${model.haproxy.stats.user}:${statsPassword}`,
      url,
    ],
    { reject: false },
  );
  const rows = parseStatsCsv(String(result.stdout)).filter((r) => r.pxname === model.haproxy.listen);
  return new Map(rows.map((r) => [r.svname ?? '', r.status ?? '']));
}

export async function holdsVip(lab: TestLab, host: string): Promise<boolean> {
  const model = loadLab(lab.file);
  const result = await cli(lab, 'exec', host, `ip -4 -o addr show | grep -c ' ${model.vip.address}/'`);
  return result.stdout.trim() === '1';
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

export function recapOf(
  jsonLines: string,
): Record<string, { ok: number; changed: number; failed: number; unreachable: number; connections: number }> {
  const last = jsonLines
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; hosts?: never })
    .find((e) => e.event === 'recap');
  return last!.hosts!;
}

/** What a lab left on the host: namespaces, bridges and veths, mounts, processes, its state folder. */
export function leftovers(labFile: string, state: string) {
  const names = netnsNames(loadLab(labFile));
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith(names.nsPrefix));
  const links = (
    JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as Array<{ ifname: string }>
  )
    .map((l) => l.ifname)
    .filter((n) => n.startsWith(names.linkPrefix));
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[1]?.startsWith(state));
  const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(state));
  return { namespaces, links, mounts, processes, stateFolder: existsSync(state) };
}

export const NOTHING = { namespaces: [], links: [], mounts: [], processes: [], stateFolder: false };
