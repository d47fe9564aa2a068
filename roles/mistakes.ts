// The components' contract for saying why a farm fails, in the student's terms: what the
// machines actually hold (their files, addresses, kernel settings and processes, read over SSH
// by lib/farm/read-holdings.ts), and the mistakes each component knows a student makes
// following the tutorial, each with the step (T1–T11) that fixes it (Component.mistakes). This
// file knows none of them.
import type { Lab } from '../lib/lab/model.ts';
import type { Said } from '../lib/said.ts';

/** What one machine holds, as read from it. Every text is cut at MAX_READ_BYTES: a machine's answers are data, never trusted in size. */
export interface MachineHoldings {
  /** its name in the definition */
  host: string;
  /** `uname -n`: the name Heartbeat knows the machine by */
  nodeName: string;
  /** each interface's name and its IPv4 addresses with prefix, "192.168.1.101/24" */
  interfaces: ReadonlyMap<string, readonly string[]>;
  /** the files read, by absolute path; a file that is not there is absent */
  files: ReadonlyMap<string, { content: string; mode: string }>;
  /** kernel settings by key ("net.ipv4.ip_nonlocal_bind" → "0"); absent when unreadable */
  sysctls: ReadonlyMap<string, string>;
  /** program name → whether a process of that name runs */
  processes: ReadonlyMap<string, boolean>;
}

export const MAX_READ_BYTES = 64 * 1024;

/** One mistake found on a machine. */
export interface Finding {
  /** the tutorial step that fixes it, "T5" */
  step: string;
  host: string;
  /** what is wrong, as the student would see it on the machine */
  wrong: Said;
  /** what to do about it */
  fix: Said;
}

/** What a component reads from the machines it runs on, and the mistakes it finds there. */
export interface MistakeFinder {
  /** absolute paths of the files to read from each of its machines (the definition gives some: log paths, pages) */
  files(lab: Lab): string[];
  sysctls?: readonly string[];
  /** program names whose processes are looked for (pidof) */
  processes?: readonly string[];
  /** every mistake found, given what each of the component's machines holds (by host name) */
  find(lab: Lab, holdings: ReadonlyMap<string, MachineHoldings>): Finding[];
}

// Small readers the components' finders share. Everything a machine holds is untrusted: these
// never throw, whatever the text.

/** The longest value quoted from a machine in a finding. */
export const MAX_SHOWN = 80;

/** A value read from a machine, fit to quote: control and format characters removed, cut at MAX_SHOWN characters. */
export function shown(value: string): string {
  // a bounded prefix is cleaned: a value may be a whole file
  const clean = Array.from(value.slice(0, 16 * MAX_SHOWN).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, ''));
  const cut = clean.length > MAX_SHOWN || value.length > 16 * MAX_SHOWN;
  return cut ? `${clean.slice(0, MAX_SHOWN).join('')}…` : clean.join('');
}

/** One line of a configuration file that says something: its number (from 1) and its words, the comment cut off. */
export interface ConfigLine {
  number: number;
  words: string[];
}

/** The lines of a configuration file with `#` comments (to the end of the line) cut off and blank lines left out. */
export function configLines(content: string): ConfigLine[] {
  const lines: ConfigLine[] = [];
  content.split(/\r\n|\n|\r/).forEach((line, i) => {
    const hash = line.indexOf('#');
    const words = (hash === -1 ? line : line.slice(0, hash)).split(/\s+/).filter(Boolean);
    if (words.length > 0) lines.push({ number: i + 1, words });
  });
  return lines;
}

/** The interface that carries an IPv4 address, and the address as it is there, with its prefix ("192.168.1.101/24"). */
export function interfaceHolding(
  machine: MachineHoldings,
  address: string,
): { name: string; address: string } | undefined {
  for (const [name, addresses] of machine.interfaces) {
    const held = addresses.find((a) => a.split('/')[0] === address);
    if (held !== undefined) return { name, address: held };
  }
  return undefined;
}

/** "a, b and c" ("a, b y c"), the items as they are. */
export function joined(items: readonly string[], and: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}
