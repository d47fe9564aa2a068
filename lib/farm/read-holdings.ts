// What a machine holds, read over SSH for the diagnosis (lib/verify/diagnose.ts) and lab:import: its name, addresses,
// files, kernel settings and processes. Every command is hafarm's own with its values quoted,
// and every answer is cut at MAX_READ_BYTES: a student's machine is read as data, never trusted
// in size or shape.
import { quote } from '../engine/ssh/shell-quote.ts';
import type { ExecResult } from '../engine/remote.ts';
import { MAX_READ_BYTES, type MachineHoldings } from '../../roles/mistakes.ts';

export type MachineExec = (host: string, command: string) => Promise<Pick<ExecResult, 'code' | 'stdout'>>;

/** What to read from one machine. */
export interface HoldingsWanted {
  files: readonly string[];
  sysctls: readonly string[];
  processes: readonly string[];
}

const bounded = (command: string) => `{ ${command}; } 2>/dev/null | head -c ${MAX_READ_BYTES}`;

/** `ip -o -4 addr show` lines into interface → its addresses ("192.168.1.101/24"). */
export function parseAddresses(text: string): Map<string, string[]> {
  const interfaces = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^\d+:\s+([^\s:@]+)\S*\s+inet\s+(\d+\.\d+\.\d+\.\d+\/\d+)/.exec(line);
    if (!match) continue;
    const [, name, address] = match;
    interfaces.set(name!, [...(interfaces.get(name!) ?? []), address!]);
  }
  return interfaces;
}

/** One file's text and mode, or undefined when it is not a regular file there. */
export async function readMachineFile(
  exec: MachineExec,
  host: string,
  path: string,
): Promise<{ content: string; mode: string } | undefined> {
  // The mode on the first line, then the file: one round trip, and no file read through a link's
  // target that is not a regular file.
  const said = await exec(
    host,
    bounded(`[ -f ${quote(path)} ] && stat -L -c %a -- ${quote(path)} && cat -- ${quote(path)}`),
  );
  if (said.code !== 0 && said.stdout === '') return undefined;
  const newline = said.stdout.indexOf('\n');
  if (newline < 0) return undefined;
  const mode = said.stdout.slice(0, newline);
  if (!/^[0-7]{3,4}$/.test(mode)) return undefined;
  return { mode, content: said.stdout.slice(newline + 1) };
}

export async function readHoldings(exec: MachineExec, host: string, wanted: HoldingsWanted): Promise<MachineHoldings> {
  const text = async (command: string) => (await exec(host, bounded(command))).stdout;
  const [nodeName, addresses] = await Promise.all([text('uname -n'), text('ip -o -4 addr show')]);
  const files = new Map<string, { content: string; mode: string }>();
  for (const path of wanted.files) {
    const file = await readMachineFile(exec, host, path);
    if (file) files.set(path, file);
  }
  const sysctls = new Map<string, string>();
  for (const key of wanted.sysctls) {
    // the pipe's status is head's: an unreadable setting is one that printed nothing
    const value = (await text(`sysctl -n ${quote(key)}`)).trim();
    if (value !== '') sysctls.set(key, value);
  }
  const processes = new Map<string, boolean>();
  for (const name of wanted.processes)
    processes.set(name, (await exec(host, `pidof ${quote(name)} >/dev/null`)).code === 0);
  return {
    host,
    nodeName: nodeName.trim().split('\n')[0] ?? '',
    interfaces: parseAddresses(addresses),
    files,
    sysctls,
    processes,
  };
}
