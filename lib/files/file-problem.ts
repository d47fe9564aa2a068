// A file or folder hafarm cannot read or write (permissions, a read-only or full disk, a size
// limit, a file where a folder should be) is the user's to fix, not a bug: one line naming the
// path, what the system said and what to do, instead of a stack.
import { UserFacingError } from '../user-facing-error.ts';

interface Reason {
  reason: string;
  todo: string;
}

const ELSEWHERE = 'or pass another --state (or --out) folder';

const REASONS: Record<string, Reason> = {
  EACCES: { reason: 'permission denied', todo: `run hafarm as a user with that permission, ${ELSEWHERE}` },
  EPERM: { reason: 'operation not permitted', todo: `run hafarm as a user with that permission, ${ELSEWHERE}` },
  EROFS: { reason: 'the file system is read-only', todo: 'pass a --state (or --out) folder on a writable file system' },
  ENOSPC: { reason: 'no space left on the device', todo: `free some space, ${ELSEWHERE} on another disk` },
  EDQUOT: { reason: 'disk quota exceeded', todo: `free some space, ${ELSEWHERE} on another disk` },
  EFBIG: {
    reason: 'the file would pass the size limit set for this process (ulimit -f) or its file system',
    todo: `raise the limit (ulimit -f unlimited), ${ELSEWHERE}`,
  },
  ENOENT: {
    reason: 'it, or a folder above it, does not exist (or was removed meanwhile)',
    todo: 'check the path, or pass another one',
  },
  ENOTDIR: {
    reason: 'a part of the path is a file, not a folder',
    todo: 'move that file out of the way, or pass another path',
  },
  EISDIR: {
    reason: 'it is a folder where hafarm expects a file',
    todo: 'move that folder out of the way, or pass another path',
  },
  EEXIST: { reason: 'something is already there', todo: 'move it out of the way, or pass another path' },
  ENOTEMPTY: { reason: 'the folder is not empty', todo: 'move what it holds out of the way, or pass another path' },
  EBUSY: {
    reason: 'it is in use, e.g. a mount point',
    todo: 'unmount it or stop what uses it, then run the command again',
  },
  ETXTBSY: { reason: 'a running program is using it', todo: 'stop that program, then run the command again' },
  ELOOP: {
    reason: 'a symbolic link is in the way (or a link loop)',
    todo: 'remove the link, or pass a path without one',
  },
  ENAMETOOLONG: { reason: 'the name is too long', todo: 'pass a shorter path' },
  EXDEV: { reason: 'it is on another file system than its folder', todo: 'pass a path on one file system' },
  EMFILE: { reason: 'too many files are open', todo: 'raise the limit (ulimit -n), then run the command again' },
  ENFILE: { reason: 'too many files are open on this system', todo: 'close some programs, then run the command again' },
  EIO: { reason: 'an input/output error (the disk or its connection)', todo: 'check the disk, or pass another path' },
  EINVAL: { reason: 'the file system does not allow this there', todo: 'pass a path on an ordinary disk' },
};

const VERBS: Record<string, string> = {
  mkdir: 'create folder',
  mkdtemp: 'create a temporary folder in',
  open: 'open',
  read: 'read',
  write: 'write',
  rename: 'replace',
  unlink: 'remove',
  rmdir: 'remove folder',
  rm: 'remove',
  scandir: 'list folder',
  lstat: 'look at',
  stat: 'look at',
  chmod: 'change the mode of',
  fchmod: 'change the mode of',
  close: 'finish writing',
  fsync: 'finish writing',
  realpath: 'look at',
  statfs: 'look at',
};

/** What the system's error code means, in words ("no space left on the device"); undefined for one not listed. */
export function reasonOf(code: string | undefined): string | undefined {
  return code === undefined ? undefined : REASONS[code]?.reason;
}

interface SystemError {
  code: string;
  syscall?: string;
  path?: string;
}

function asSystemError(error: unknown): SystemError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path, syscall } = error as Error & Partial<SystemError>;
  if (typeof code !== 'string' || !(code in REASONS)) return undefined;
  // spawn errors carry a path too (the command): those are not about a file hafarm keeps.
  if (typeof syscall === 'string' && syscall.startsWith('spawn')) return undefined;
  return { code, syscall, path };
}

/** The one line for a file system error, or undefined when the error is not one. `path` names the file when the error does not (a write's EFBIG carries none). */
export function fileSystemProblem(
  error: unknown,
  path?: string,
  doing?: string,
  options: { pathGiven?: boolean } = {},
): string | undefined {
  const problem = asSystemError(error);
  if (!problem) return undefined;
  const where = options.pathGiven ? path : (problem.path ?? path);
  if (where === undefined) return undefined;
  const known = REASONS[problem.code]!;
  const verb = doing ?? (problem.syscall ? VERBS[problem.syscall] : undefined) ?? 'use';
  return `cannot ${verb} ${where}: ${known.reason} (${problem.code}); ${known.todo}.`;
}

/** A file system error turned into what the user reads: thrown by the writer, printed as its message alone. */
export class FileProblem extends UserFacingError {
  override name = 'FileProblem';
}

/** A file system error as a FileProblem naming `path` (not the temporary file it failed on); anything else as it is. */
export function asFileProblem(error: unknown, path: string, doing?: string): unknown {
  if (error instanceof UserFacingError) return error;
  const message = fileSystemProblem(error, path, doing, { pathGiven: true });
  return message === undefined ? error : new FileProblem(message);
}
