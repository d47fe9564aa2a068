// Facts are read once per host per run, in one command, before any task runs (as pyinfra does):
// modules compare what they want with these and with what they read themselves, and roles ask
// questions such as "which interface holds 10.100.100.1" instead of assuming eth2.
import type { Remote } from './remote.ts';

export interface InterfaceFact {
  name: string;
  mac: string;
  addresses: Array<{ address: string; prefix: number; broadcast?: string }>;
}

export interface Facts {
  os: { id: string; versionId: string; prettyName: string };
  init: 'systemd' | 'sysv';
  hostname: string;
  interfaces: InterfaceFact[];
  /** installed packages and their versions; modules update it as they install or remove */
  packages: Map<string, string>;
}

export const FACTS_COMMAND = [
  'echo @@os; cat /etc/os-release 2>/dev/null',
  'echo @@init; if [ -d /run/systemd/system ]; then echo systemd; else echo sysv; fi',
  'echo @@hostname; uname -n',
  'echo @@interfaces; ip -j addr show 2>/dev/null',
  "echo @@packages; dpkg-query -W -f='${Package}\\t${db:Status-Abbrev}\\t${Version}\\n' 2>/dev/null",
  'true',
].join('; ');

function sections(output: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const part of output.split(/^@@/m).slice(1)) {
    const newline = part.indexOf('\n');
    result.set(
      part.slice(0, newline === -1 ? undefined : newline).trim(),
      newline === -1 ? '' : part.slice(newline + 1),
    );
  }
  return result;
}

function osRelease(text: string): Facts['os'] {
  const values = new Map(
    text.split('\n').flatMap((line) => {
      const match = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
      return match ? [[match[1]!, match[3]!] as const] : [];
    }),
  );
  return {
    id: values.get('ID') ?? 'unknown',
    versionId: values.get('VERSION_ID') ?? '',
    prettyName: values.get('PRETTY_NAME') ?? '',
  };
}

interface IpJsonInterface {
  ifname: string;
  address?: string;
  addr_info?: Array<{ family: string; local: string; prefixlen: number; broadcast?: string }>;
}

function interfaces(text: string): InterfaceFact[] {
  if (!text.trim()) return [];
  return (JSON.parse(text) as IpJsonInterface[]).map((entry) => ({
    name: entry.ifname,
    mac: entry.address ?? '',
    addresses: (entry.addr_info ?? [])
      .filter((a) => a.family === 'inet')
      .map((a) => ({ address: a.local, prefix: a.prefixlen, ...(a.broadcast ? { broadcast: a.broadcast } : {}) })),
  }));
}

function packages(text: string): Map<string, string> {
  const installed = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && status?.startsWith('ii')) installed.set(name.split(':')[0]!, version ?? '');
  }
  return installed;
}

export function parseFacts(output: string): Facts {
  const parts = sections(output);
  return {
    os: osRelease(parts.get('os') ?? ''),
    init: (parts.get('init') ?? '').trim() === 'systemd' ? 'systemd' : 'sysv',
    hostname: (parts.get('hostname') ?? '').trim(),
    interfaces: interfaces(parts.get('interfaces') ?? ''),
    packages: packages(parts.get('packages') ?? ''),
  };
}

export async function gatherFacts(remote: Remote): Promise<Facts> {
  const result = await remote.exec(FACTS_COMMAND, { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(`${remote.host}: gathering facts failed: ${result.stderr.trim()}`);
  return parseFacts(result.stdout);
}

/** The interface that holds an address, e.g. the heartbeat interface of a balancer (T5). */
export function interfaceHolding(facts: Facts, address: string): InterfaceFact | undefined {
  return facts.interfaces.find((i) => i.addresses.some((a) => a.address === address));
}
