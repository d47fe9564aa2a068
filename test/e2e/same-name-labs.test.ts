// Two labs of one name in two state folders, as two copies of the project make them (issue 27,
// class 9), on real namespaces as root: the namespace provider names the host's namespaces,
// bridges and veths after the lab, so the name is claimed for one state folder at a time. The
// second lab:up is refused naming the first's folder, and nothing of the first changes; a
// lab:destroy from a folder whose lab is not up touches nothing of the other's, with the claim or
// without it (lost: told by the machines' processes, rooted in their folder); a claim naming a
// folder that no longer holds the lab is taken over, saying so; each destroy leaves nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimFile, readClaim } from '../../lib/providers/netns/lab-claim.ts';
import { hafarm, scratchDir, TUTORIAL_LAB } from '../helpers/cli.ts';
import { e2eLabName, leftovers, NOTHING } from '../helpers/netns-lab.ts';

const NAME = e2eLabName('sn');
const scratch = scratchDir('e2e-same-name');
/** A copy of the project: its lab.yaml (the same name in both), its state in .lab, the default. */
const copy = (which: string) => {
  const dir = join(scratch.dir, which);
  return { dir, file: join(dir, 'lab.yaml'), state: join(dir, '.lab') };
};
const A = copy('a');
const B = copy('b');

const run = (lab: { dir: string }, ...args: string[]) => hafarm(args, { cwd: lab.dir });

beforeAll(() => {
  // provider netns in the definition: "auto" would take a hypervisor this host may have meanwhile
  const text = readFileSync(TUTORIAL_LAB, 'utf8')
    .replace(/^name: \w+$/m, `name: ${NAME}`)
    .replace(/^provider: auto$/m, 'provider: netns');
  if (!text.includes('provider: netns')) throw new Error(`${TUTORIAL_LAB}: no "provider: auto" line to replace`);
  for (const lab of [A, B]) {
    mkdirSync(lab.dir, { recursive: true });
    writeFileSync(lab.file, text);
  }
});

afterAll(async () => {
  try {
    // --provider netns: safe from either folder, whichever holds the lab (what this file proves)
    for (const lab of [A, B]) await run(lab, 'destroy', '--provider', 'netns');
    for (const lab of [A, B]) expect(leftovers(lab.file, lab.state), lab.dir).toEqual(NOTHING);
    expect(existsSync(claimFile(NAME))).toBe(false);
  } finally {
    const mounted = readFileSync('/proc/self/mounts', 'utf8').includes(` ${scratch.dir}/`);
    if (!mounted) scratch.remove();
    rmSync(claimFile(NAME), { force: true });
  }
}, 300_000);

/** What a lab has on the host: its namespaces, bridges and veths (by index), its machines' PID 1s, its mounts. */
function snapshot(lab: { state: string; file: string }) {
  const names = leftovers(lab.file, lab.state);
  const links = (
    JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as Array<{
      ifname: string;
      ifindex: number;
    }>
  )
    .filter((l) => names.links.includes(l.ifname))
    .map((l) => `${l.ifname}#${l.ifindex}`)
    .sort();
  const machines = join(lab.state, 'machines');
  const pid1s = existsSync(machines)
    ? readdirSync(machines)
        .sort()
        .map((host) => {
          const pid = Number(readFileSync(join(machines, host, 'pid'), 'utf8'));
          process.kill(pid, 0); // alive, or this throws
          return `${host}:${pid}`;
        })
    : [];
  return { namespaces: [...names.namespaces].sort(), links, pid1s, mounts: [...names.mounts].sort() };
}

function expectRefusedNaming(result: { exitCode: number; stdout: string; stderr: string }, owner: string) {
  expect(result.exitCode, result.stdout + result.stderr).toBe(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr.trim().split('\n')).toEqual([
    `hafarm: a lab named "${NAME}" is already up on this host from state folder ${owner}; destroy it there (npm run lab:destroy -- --state ${owner}) or give this lab another name (name: in ${B.file}). Nothing was changed.`,
  ]);
}

describe('two labs of one name in two state folders', () => {
  let first: ReturnType<typeof snapshot>;

  it('the first comes up and its name is claimed for its state folder', async () => {
    const up = await run(A, 'up', '--provider', 'netns');
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    expect(readClaim(NAME)?.claim?.state).toBe(A.state);
    first = snapshot(A);
    expect(first.pid1s).toHaveLength(5);
    expect(first.namespaces).toHaveLength(6);
  }, 300_000);

  it("the second lab:up is refused in one line naming the first's folder; nothing of the first changes, nothing of the second is made", async () => {
    expectRefusedNaming(await run(B, 'up', '--provider', 'netns'), A.state);
    expect(existsSync(B.state)).toBe(false);
    expect(snapshot(A)).toEqual(first);
    expect(readClaim(NAME)?.claim?.state).toBe(A.state);
  }, 120_000);

  it("a destroy from the second folder, whose lab is not up, touches nothing of the first's", async () => {
    const destroyed = await run(B, 'destroy', '--provider', 'netns');
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain(
      `the namespaces, bridges and machines of that name on this host are state folder ${A.state}'s, where a lab of that name is up: left them alone`,
    );
    expect(snapshot(A)).toEqual(first);
    expect(readClaim(NAME)?.claim?.state).toBe(A.state);
  }, 120_000);

  it("with the claim lost, the first's running machines still say whose the name is", async () => {
    rmSync(claimFile(NAME));
    expectRefusedNaming(await run(B, 'up', '--provider', 'netns'), A.state);
    const destroyed = await run(B, 'destroy', '--provider', 'netns');
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain('left them alone');
    expect(snapshot(A)).toEqual(first);
    expect(existsSync(B.state)).toBe(false);
    // lab:up again in the first folder claims the name anew, its machines as they were
    const again = await run(A, 'up');
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(readClaim(NAME)?.claim?.state).toBe(A.state);
    expect(snapshot(A)).toEqual(first);
  }, 300_000);

  it('the first destroyed leaves nothing, and the second folder as it was', async () => {
    const destroyed = await run(A, 'destroy');
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    expect(leftovers(A.file, A.state)).toEqual(NOTHING);
    expect(existsSync(claimFile(NAME))).toBe(false);
    expect(readdirSync(B.dir)).toEqual(['lab.yaml']);
  }, 120_000);

  it('the second comes up then, taking over a claim that names a folder no longer holding the lab', async () => {
    // as a claim left by a first copy deleted by hand
    writeFileSync(claimFile(NAME), JSON.stringify({ lab: NAME, state: A.state, since: 'earlier' }));
    const up = await run(B, 'up', '--provider', 'netns');
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toContain(
      `lab "${NAME}": its name on this host was claimed by state folder ${A.state}, which no longer holds it; taken over for ${B.state}`,
    );
    expect(readClaim(NAME)?.claim?.state).toBe(B.state);
    const second = snapshot(B);
    expect(second.pid1s).toHaveLength(5);
    // and now the first folder's destroy (its lab not up) leaves the second alone
    const destroyed = await run(A, 'destroy', '--provider', 'netns');
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain(`are state folder ${B.state}'s`);
    expect(snapshot(B)).toEqual(second);
  }, 300_000);

  it('the second destroyed leaves nothing either', async () => {
    const destroyed = await run(B, 'destroy');
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    expect(leftovers(B.file, B.state)).toEqual(NOTHING);
    expect(existsSync(claimFile(NAME))).toBe(false);
  }, 120_000);
});
