// The bytes of a definition file, read with bounds: only a regular file (a FIFO would block
// forever, /dev/zero never ends) and at most MAX_DEFINITION_BYTES (a lab file is a few KB).
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

export const MAX_DEFINITION_BYTES = 1024 * 1024;

export type FileRead = { bytes: Buffer } | { problem: string; allowed: string };

const ALLOWED = 'a regular file of at most 1 MiB; pass --lab FILE';

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refusal(stats: Stats): FileRead | undefined {
  if (!stats.isFile()) return { problem: `is ${kindOf(stats)}, not a file`, allowed: ALLOWED };
  if (stats.size > MAX_DEFINITION_BYTES)
    return { problem: `is ${stats.size} bytes, too large for a lab definition`, allowed: ALLOWED };
  return undefined;
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
}

/** Reads at most MAX_DEFINITION_BYTES + 1 bytes, so a file that grows or lies about its size is caught too. */
function readBounded(fd: number): Buffer {
  const buffer = Buffer.alloc(MAX_DEFINITION_BYTES + 1);
  let length = 0;
  for (let n = -1; n !== 0 && length < buffer.length; length += n)
    n = readSync(fd, buffer, length, buffer.length - length, null);
  return buffer.subarray(0, length);
}

export function readDefinitionFile(path: string): FileRead {
  let fd: number;
  try {
    // stat first: a FIFO is refused without being opened. O_NONBLOCK keeps an open from waiting on
    // a FIFO swapped in since; fstat below checks what was really opened.
    const before = refusal(statSync(path));
    if (before) return before;
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { problem: `cannot be read: ${reason(error)}`, allowed: 'a readable lab definition; pass --lab FILE' };
  }
  try {
    const opened = refusal(fstatSync(fd));
    if (opened) return opened;
    const bytes = readBounded(fd);
    if (bytes.length > MAX_DEFINITION_BYTES)
      return { problem: 'is more than 1 MiB, too large for a lab definition', allowed: ALLOWED };
    return { bytes };
  } catch (error) {
    return { problem: `cannot be read: ${reason(error)}`, allowed: 'a readable lab definition; pass --lab FILE' };
  } finally {
    closeSync(fd);
  }
}
