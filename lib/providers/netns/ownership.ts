// Whose a namespace lab's name is on this host, from its claim (lab-claim.ts) and, where the claim
// is missing or names a folder that no longer holds the lab, from what is provably another state
// folder's: a machine runs in the name's namespaces with its root in that folder.
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { sameFolder, type ReadClaim } from './lab-claim.ts';

export type Ownership =
  /** the claim names this state folder */
  | { kind: 'mine' }
  /** another state folder holds a lab of this name: its claim says so (claimed), or its running machines do */
  | { kind: 'other'; state: string; claimed: boolean }
  /**
   * nobody's: no claim, or one naming a folder that no longer holds the lab (`stale`, that
   * folder), and no machine of another folder running; `judged` is the claim as read, for a takeover
   */
  | { kind: 'free'; judged: ReadClaim | undefined; stale?: string };

export async function judgeOwnership(input: {
  /** this state folder */
  state: string;
  claim: ReadClaim | undefined;
  /** whether a state folder holds a lab of this name made with this provider */
  holds: (folder: string) => boolean;
  /** the state folders whose machines run in the namespaces of this name, read only when needed */
  running: () => Promise<string[]>;
}): Promise<Ownership> {
  const claimed = input.claim?.claim;
  if (claimed && sameFolder(claimed.state, input.state)) return { kind: 'mine' };
  if (claimed && input.holds(claimed.state)) return { kind: 'other', state: claimed.state, claimed: true };
  for (const folder of await input.running())
    if (!sameFolder(folder, input.state) && input.holds(folder))
      return { kind: 'other', state: folder, claimed: false };
  return { kind: 'free', judged: input.claim, ...(claimed ? { stale: claimed.state } : {}) };
}

/** A machine's processes have its root as theirs: <state>/machines/<host>/root (machine.ts). */
export function machineFolderOf(root: string): string | undefined {
  return /^(\/.*)\/machines\/[^/]+\/root$/.exec(root)?.[1];
}

function rootOf(pid: number | string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/root`);
  } catch {
    return undefined;
  }
}

/** The state folders of the machines whose processes these are. */
export function machineFolders(pids: readonly number[]): string[] {
  const folders = new Set<string>();
  for (const pid of pids) {
    const root = rootOf(pid);
    const folder = root === undefined ? undefined : machineFolderOf(root);
    if (folder) folders.add(folder);
  }
  return [...folders];
}

/**
 * Every process of this host that is provably a machine of the state folder: its root is inside
 * the folder (the machine's processes), or it launched one there (machine.ts's launcher carries
 * the machine's root in HAFARM_ROOT).
 */
export function processesInside(folder: string): number[] {
  let real: string;
  try {
    real = realpathSync(folder);
  } catch {
    return [];
  }
  const inside = (path: string | undefined) => path !== undefined && path.startsWith(`${real}/`);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let launcherRoot: string | undefined;
    try {
      launcherRoot = /(?:^|\0)HAFARM_ROOT=([^\0]*)/.exec(readFileSync(`/proc/${entry}/environ`, 'utf8'))?.[1];
    } catch {
      // ended meanwhile, or a kernel thread
    }
    if (inside(rootOf(entry)) || inside(launcherRoot)) pids.push(Number(entry));
  }
  return pids;
}
