// Every name hafarm puts in a lab's state folder, and what kind of entry it is: hafarm's own
// (below) and each provider's (ProviderRegistration.stateEntries, handed in as a StateLayout).
// lab:destroy removes these and nothing else; LabStateDir.path() accepts only these names, so a
// new file cannot be written into the folder without destroy knowing about it.

import type { FieldCheck } from './state-json.ts';

export type EntryKind = 'file' | 'folder';

/** The fields a provider's JSON file in the state folder must hold, and what to do when it does not. */
export interface StateFileShape {
  fields: Readonly<Record<string, FieldCheck>>;
  optional?: readonly string[];
  remedy: string;
}

/** The machines' host keys, recorded at first contact (KnownHosts). */
export const KNOWN_HOSTS_ENTRY = 'known_hosts';

export const HAFARM_ENTRIES: Readonly<Record<string, EntryKind>> = {
  /** lab:up: which lab and provider made the machines */
  'lab-state.json': 'file',
  /** lab:render, lab:provision: the components' secrets (HA stack keys, the stats password) */
  'secrets.json': 'file',
  /** lab:provision and every SSH command: the machines' host keys */
  known_hosts: 'file',
  /** the connection holder's socket; the namespace provider's login key */
  ssh: 'folder',
  /** lab:verify: the report and its pcaps */
  report: 'folder',
  /** lab:capture: pcaps written without --out */
  captures: 'folder',
  /** what hafarm wrote outside this folder, so that it replaces only its own files there (written-files.ts) */
  'written-files.json': 'file',
};

/** What a state folder may hold, given the providers: their names, entries and machine traces. */
export interface StateLayout {
  /** the providers a record may name */
  providers: readonly string[];
  /** hafarm's entries and every provider's */
  entries: Readonly<Record<string, EntryKind>>;
  /** what only a lab's machines leave: without the record, they say a provider made machines here */
  machineTraces: readonly string[];
  /** by provider: the entries a lab it brought up cannot be reached without */
  upEntries: Readonly<Record<string, readonly string[]>>;
  /** by provider: its JSON files' shapes, checked before a command acts on the machines */
  upEntryShapes: Readonly<Record<string, Readonly<Record<string, StateFileShape>>>>;
}

export function isStateEntry(layout: StateLayout, name: string): boolean {
  return Object.hasOwn(layout.entries, name);
}
