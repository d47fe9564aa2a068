// Log lines a machine wrote during a check, never before it: the file's size is marked when the
// check begins and only what was appended since is read. Evidence from an earlier run (the same
// "is dead" line a minute before) can then never make a check pass.
import { quote } from '../engine/ssh/shell-quote.ts';
import type { Machines } from './check.ts';
import { english, type Speaker, type Words } from '../said.ts';

export interface LogMark {
  host: string;
  file: string;
  /** the file's size when the window opened; 0 when it did not exist */
  bytes: number;
}

/** Why a window cannot open: the machine did not say the file's size (what it said instead, quoted). */
export function unreadableSize(host: string, file: string, said: string, say: Speaker): Words {
  return say(
    `${host}: cannot read the size of ${file} ("${said}")`,
    `${host}: no se puede leer el tamaño de ${file} ("${said}")`,
  );
}

/** say: the language of the error when the size cannot be read (the run's, VerifyContext.say). */
export async function markLog(
  machines: Pick<Machines, 'exec'>,
  host: string,
  file: string,
  say: Speaker = english,
): Promise<LogMark> {
  const said = (await machines.exec(host, `stat -c %s ${quote(file)} 2>/dev/null || echo 0`)).stdout.trim();
  const bytes = Number(said);
  if (!Number.isInteger(bytes) || bytes < 0) throw new Error(unreadableSize(host, file, said, say));
  return { host, file, bytes };
}

/** The shell line that prints the lines appended since the mark that match an extended regex. */
function linesSinceCommand(mark: LogMark, pattern: string): string {
  const file = quote(mark.file);
  // A file smaller than at the mark was rotated or truncated since: all of it is new.
  return `f=${file}; [ -e "$f" ] || exit 0; if [ "$(stat -c %s "$f")" -lt ${mark.bytes} ]; then cat "$f"; else tail -c +${mark.bytes + 1} "$f"; fi | grep -E -- ${quote(pattern)} || true`;
}

export async function linesSince(machines: Pick<Machines, 'exec'>, mark: LogMark, pattern: string): Promise<string[]> {
  const result = await machines.exec(mark.host, linesSinceCommand(mark, pattern));
  return result.stdout.split('\n').filter(Boolean);
}
