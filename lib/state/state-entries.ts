// Every name hafarm puts in a lab's state folder, and what kind of entry it is. lab:destroy
// removes these and nothing else; LabStateDir.path() accepts only these names, so a new file
// cannot be written into the folder without destroy knowing about it.

export const STATE_ENTRIES = {
  /** lab:up: which lab and provider made the machines */
  'lab-state.json': 'file',
  /** lab:render, lab:provision: Heartbeat's key and the stats password */
  'secrets.json': 'file',
  /** lab:provision and every SSH command: the machines' host keys */
  known_hosts: 'file',
  /** Vagrant providers: the Vagrantfile vagrant runs from this folder */
  Vagrantfile: 'file',
  /** Vagrant providers: vagrant's own bookkeeping, made by vagrant in its working folder */
  '.vagrant': 'folder',
  /** namespace provider: management subnet and base image */
  'netns.json': 'file',
  /** namespace provider: the key hafarm logs in with */
  ssh: 'folder',
  /** namespace provider: each machine's disk, console log and PID */
  machines: 'folder',
  /** lab:verify: the report and its pcaps */
  report: 'folder',
  /** lab:capture: pcaps written without --out */
  captures: 'folder',
} as const;

export type StateEntry = keyof typeof STATE_ENTRIES;

/** What only a lab's machines leave behind: without the record, they say a provider made machines here. */
export const MACHINE_TRACES: readonly StateEntry[] = ['netns.json', 'machines', '.vagrant'];

export function isStateEntry(name: string): name is StateEntry {
  return Object.hasOwn(STATE_ENTRIES, name);
}
