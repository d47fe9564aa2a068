// Vagrant's --machine-readable lines: "timestamp,target,type,data,data..." with commas inside
// data written as %!(VAGRANT_COMMA) and newlines as a literal "\n".

export interface MachineReadableLine {
  timestamp: number;
  target: string;
  type: string;
  data: string[];
}

function unescape(field: string): string {
  return field.replaceAll('%!(VAGRANT_COMMA)', ',').replaceAll('\\n', '\n').replaceAll('\\r', '');
}

export function parseMachineReadableLine(line: string): MachineReadableLine | undefined {
  const fields = line.replace(/\r$/, '').split(',');
  if (fields.length < 3 || !/^\d+$/.test(fields[0]!)) return undefined;
  const [timestamp, target, type, ...data] = fields;
  return { timestamp: Number(timestamp), target: target!, type: type!, data: data.map(unescape) };
}

export function parseMachineReadable(output: string): MachineReadableLine[] {
  return output.split('\n').flatMap((line) => parseMachineReadableLine(line) ?? []);
}

/** Per-machine states from `vagrant status --machine-readable`. */
export function parseStatus(output: string): Array<{ host: string; state: string; detail: string }> {
  const lines = parseMachineReadable(output);
  const hosts = [...new Set(lines.filter((l) => l.type === 'state' && l.target).map((l) => l.target))];
  return hosts.map((host) => ({
    host,
    state: lines.find((l) => l.target === host && l.type === 'state')?.data[0] ?? 'unknown',
    detail: lines.find((l) => l.target === host && l.type === 'state-human-short')?.data[0] ?? '',
  }));
}

/** The message of an error-exit line, which Vagrant prints when a command fails. */
export function errorExitMessage(lines: MachineReadableLine[]): string | undefined {
  const exit = lines.find((l) => l.type === 'error-exit');
  return exit ? exit.data.slice(1).join(',').trim() : undefined;
}
