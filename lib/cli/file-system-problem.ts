// A file or folder hafarm cannot read or write (permissions, a read-only or full disk, a file
// where a folder should be) is the user's to fix, not a bug: one line naming the path, what the
// system said and what to do, instead of a stack.

interface FileSystemError {
  code: string;
  path: string;
  syscall: string;
}

const REASONS: Record<string, { reason: string; todo: string }> = {
  EACCES: {
    reason: 'permission denied',
    todo: 'run hafarm as a user with that permission, or pass another --state (or --out) folder',
  },
  EPERM: {
    reason: 'operation not permitted',
    todo: 'run hafarm as a user with that permission, or pass another --state (or --out) folder',
  },
  EROFS: { reason: 'the file system is read-only', todo: 'pass a --state (or --out) folder on a writable file system' },
  ENOSPC: {
    reason: 'no space left on the device',
    todo: 'free some space, or pass a --state (or --out) folder on another disk',
  },
  EDQUOT: {
    reason: 'disk quota exceeded',
    todo: 'free some space, or pass a --state (or --out) folder on another disk',
  },
  ENOTDIR: {
    reason: 'a part of the path is a file, not a folder',
    todo: 'move that file out of the way, or pass another path',
  },
  EISDIR: { reason: 'it is a folder where hafarm expects a file', todo: 'move that folder out of the way' },
  EEXIST: {
    reason: 'something that is not a folder is already there',
    todo: 'move it out of the way, or pass another path',
  },
  EBUSY: {
    reason: 'it is in use, e.g. a mount point',
    todo: 'unmount it or stop what uses it, then run the command again',
  },
  ELOOP: { reason: 'too many levels of symbolic links', todo: 'pass a path without a link loop' },
  ENAMETOOLONG: { reason: 'the name is too long', todo: 'pass a shorter path' },
};

const VERBS: Record<string, string> = {
  mkdir: 'create folder',
  open: 'open',
  read: 'read',
  write: 'write',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove folder',
  rm: 'remove',
  scandir: 'list folder',
  lstat: 'look at',
  stat: 'look at',
  chmod: 'change the mode of',
};

function asFileSystemError(error: unknown): FileSystemError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path, syscall } = error as Error & Partial<FileSystemError>;
  // spawn errors carry a path too (the command): those are not about a file hafarm keeps.
  if (
    typeof code !== 'string' ||
    typeof path !== 'string' ||
    typeof syscall !== 'string' ||
    syscall.startsWith('spawn')
  )
    return undefined;
  return { code, path, syscall };
}

/** The message for a file system error hafarm cannot get past, or undefined for any other error. */
export function fileSystemProblem(error: unknown): string | undefined {
  const problem = asFileSystemError(error);
  const known = problem && REASONS[problem.code];
  if (!problem || !known) return undefined;
  return `cannot ${VERBS[problem.syscall] ?? 'use'} ${problem.path}: ${known.reason} (${problem.code}); ${known.todo}.`;
}
