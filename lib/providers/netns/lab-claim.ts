// A namespace lab's name is the host's, not its state folder's: its namespaces, bridges and veths
// carry the name (names.ts), so two state folders holding labs of one name (two copies of the
// project) would make and remove the same things. The claim says which state folder a name
// belongs to: one file per lab name in /run/hafarm/netns/, beside /run/netns where ip keeps the
// namespaces' names, so that claims go at a reboot with what they claim. It is made whole and
// exclusively (a file written aside, then link(2), which fails when the name is taken: never two
// owners, never half a claim) and names the state folder's absolute path.
import { linkSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CLAIMS_DIR = '/run/hafarm/netns';

export interface LabClaim {
  lab: string;
  /** the absolute path of the state folder the name belongs to */
  state: string;
  /** when it was made: informational */
  since: string;
}

/** A claim as read: its fields, and its bytes, which a takeover compares (the claim may change meanwhile). */
export interface ReadClaim {
  claim: LabClaim | undefined;
  raw: string;
}

export function claimFile(lab: string, dir = CLAIMS_DIR): string {
  return join(dir, `${lab}.json`);
}

function parse(lab: string, raw: string): LabClaim | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LabClaim> | null;
    if (
      value &&
      value.lab === lab &&
      typeof value.state === 'string' &&
      value.state.startsWith('/') &&
      !/[\x00-\x1f\x7f]/.test(value.state)
    )
      return { lab, state: value.state, since: typeof value.since === 'string' ? value.since : '' };
  } catch {
    // not JSON: below
  }
  return undefined;
}

/**
 * The claim on the name: undefined when there is none. A file there that is no claim hafarm
 * wrote (not a regular file, not its JSON) reads as `claim: undefined` with its bytes: a lost
 * claim, which a takeover may replace.
 */
export function readClaim(lab: string, dir = CLAIMS_DIR): ReadClaim | undefined {
  const file = claimFile(lab, dir);
  let stats;
  try {
    stats = lstatSync(file);
  } catch {
    return undefined;
  }
  if (!stats.isFile() || stats.size > 64 * 1024) return { claim: undefined, raw: `(${stats.size} bytes, not a file)` };
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return { claim: parse(lab, raw), raw };
}

function written(lab: string, state: string, dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const aside = join(dir, `.${lab}.${process.pid}.${Date.now()}.tmp`);
  const claim: LabClaim = { lab, state: resolve(state), since: new Date().toISOString() };
  writeFileSync(aside, `${JSON.stringify(claim, null, 2)}\n`, { mode: 0o644 });
  return aside;
}

/** Claims the name for the state folder; false when the name is claimed already (by anyone, this folder too). */
export function makeClaim(lab: string, state: string, dir = CLAIMS_DIR): boolean {
  const aside = written(lab, state, dir);
  try {
    linkSync(aside, claimFile(lab, dir));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * Replaces a claim judged stale (or lost) with this folder's; false when the claim is no longer
 * the one judged (another folder took it meanwhile).
 */
export function takeOverClaim(lab: string, state: string, judged: ReadClaim | undefined, dir = CLAIMS_DIR): boolean {
  if (judged === undefined) return makeClaim(lab, state, dir);
  if (readClaim(lab, dir)?.raw !== judged.raw) return false;
  const aside = written(lab, state, dir);
  try {
    // A directory or other non-file where the claim belongs cannot be renamed over: removed first.
    if (!lstatSync(claimFile(lab, dir)).isFile()) rmSync(claimFile(lab, dir), { recursive: true, force: true });
    renameSync(aside, claimFile(lab, dir));
    return true;
  } finally {
    rmSync(aside, { force: true });
  }
}

/** Removes the claim, only when it names this state folder. */
export function releaseClaim(lab: string, state: string, dir = CLAIMS_DIR): void {
  const current = readClaim(lab, dir)?.claim;
  if (current && sameFolder(current.state, state)) rmSync(claimFile(lab, dir), { force: true });
}

/** Whether two paths are one folder: the same path, or the same folder reached through links above it. */
export function sameFolder(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
