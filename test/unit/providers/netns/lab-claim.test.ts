// The claim on a namespace lab's name (issue 27, class 9): made once, never half, naming its state
// folder; taken over only when it is the one judged; released only by its folder. And whose the
// name is, from the claim and the running machines' folders.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  claimFile,
  makeClaim,
  readClaim,
  releaseClaim,
  sameFolder,
  takeOverClaim,
} from '../../../../lib/providers/netns/lab-claim.ts';
import { judgeOwnership, machineFolderOf } from '../../../../lib/providers/netns/ownership.ts';
import { scratchDir } from '../../../helpers/cli.ts';

const scratch = scratchDir('lab-claim');
afterAll(() => scratch.remove());
let count = 0;
const claimsDir = () => join(scratch.dir, `claims-${++count}`);

describe('the claim on a lab name', () => {
  it('is made once: a second folder is told the name is taken, and the claim names the first', () => {
    const dir = claimsDir();
    expect(readClaim('swap', dir)).toBeUndefined();
    expect(makeClaim('swap', '/a/state', dir)).toBe(true);
    expect(makeClaim('swap', '/b/state', dir)).toBe(false);
    expect(makeClaim('swap', '/a/state', dir)).toBe(false);
    expect(readClaim('swap', dir)?.claim).toMatchObject({ lab: 'swap', state: '/a/state' });
    // nothing left aside: the claim is written whole before it takes the name
    expect(JSON.parse(readFileSync(claimFile('swap', dir), 'utf8'))).toMatchObject({ state: '/a/state' });
    expect(makeClaim('other', '/b/state', dir)).toBe(true);
  });

  it('is released only by the folder it names', () => {
    const dir = claimsDir();
    makeClaim('swap', '/a/state', dir);
    releaseClaim('swap', '/b/state', dir);
    expect(readClaim('swap', dir)?.claim?.state).toBe('/a/state');
    releaseClaim('swap', '/a/state', dir);
    expect(readClaim('swap', dir)).toBeUndefined();
  });

  it('is taken over only while it is the claim judged', () => {
    const dir = claimsDir();
    makeClaim('swap', '/gone/state', dir);
    const judged = readClaim('swap', dir);
    // another folder took it meanwhile
    writeFileSync(claimFile('swap', dir), JSON.stringify({ lab: 'swap', state: '/c/state', since: '' }));
    expect(takeOverClaim('swap', '/b/state', judged, dir)).toBe(false);
    expect(readClaim('swap', dir)?.claim?.state).toBe('/c/state');
    expect(takeOverClaim('swap', '/b/state', readClaim('swap', dir), dir)).toBe(true);
    expect(readClaim('swap', dir)?.claim?.state).toBe('/b/state');
  });

  it('reads as lost when it is no claim hafarm wrote, and can then be taken over', () => {
    const dir = claimsDir();
    mkdirSync(dir, { recursive: true });
    for (const content of ['not json', '{"lab":"other","state":"/a"}', '{"lab":"swap","state":"relative"}']) {
      writeFileSync(claimFile('swap', dir), content);
      const read = readClaim('swap', dir);
      expect(read?.claim).toBeUndefined();
      expect(read?.raw).toBe(content);
    }
    expect(takeOverClaim('swap', '/b/state', readClaim('swap', dir), dir)).toBe(true);
    expect(readClaim('swap', dir)?.claim?.state).toBe('/b/state');
  });

  it('knows a folder reached through a link above it as the same folder', () => {
    const real = join(scratch.dir, 'real');
    mkdirSync(join(real, 'state'), { recursive: true });
    symlinkSync(real, join(scratch.dir, 'link'));
    expect(sameFolder(join(scratch.dir, 'link', 'state'), join(real, 'state'))).toBe(true);
    expect(sameFolder(join(real, 'state'), join(real, 'state2'))).toBe(false);
  });
});

describe('whose the name is', () => {
  const claimOf = (state: string) => ({ claim: { lab: 'swap', state, since: '' }, raw: state });
  const judge = (claim: ReturnType<typeof claimOf> | undefined, held: string[], running: string[] = []) =>
    judgeOwnership({
      state: '/b/state',
      claim,
      holds: (folder) => held.includes(folder),
      running: () => Promise.resolve(running),
    });

  it("is this folder's when its claim names it, whatever runs", async () => {
    expect(await judge(claimOf('/b/state'), [], ['/a/state'])).toEqual({ kind: 'mine' });
  });

  it("is another folder's when the claim names a folder that still holds the lab", async () => {
    expect(await judge(claimOf('/a/state'), ['/a/state'])).toEqual({
      kind: 'other',
      state: '/a/state',
      claimed: true,
    });
  });

  it("is another folder's, the claim lost, when that folder's machines run under the name", async () => {
    expect(await judge(undefined, ['/a/state'], ['/a/state'])).toEqual({
      kind: 'other',
      state: '/a/state',
      claimed: false,
    });
    // machines of a folder that no longer holds the lab are leftovers, not an owner
    expect(await judge(undefined, [], ['/a/state'])).toMatchObject({ kind: 'free' });
  });

  it('is free, naming the stale folder, when the claim names a folder that no longer holds the lab', async () => {
    const stale = claimOf('/gone/state');
    expect(await judge(stale, [])).toEqual({ kind: 'free', judged: stale, stale: '/gone/state' });
    expect(await judge(undefined, [])).toEqual({ kind: 'free', judged: undefined });
  });

  it("reads a machine's state folder from its processes' root", () => {
    expect(machineFolderOf('/home/ana/hafarm/.lab/machines/web1/root')).toBe('/home/ana/hafarm/.lab');
    expect(machineFolderOf('/')).toBeUndefined();
    expect(machineFolderOf('/srv/machines/web1/root/etc')).toBeUndefined();
  });
});
