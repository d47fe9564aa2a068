// The one way hafarm writes a file on this host (state, render, graph, report, captures,
// ssh-config, inventory): inside the folder it was given and nowhere else, never through a
// symbolic link it finds there, never over a file it did not make unless the user said --force,
// never on the kernel's file systems; each file written under a temporary name and renamed into
// place, so that a failure (a full disk, a size limit) leaves the old file or nothing. Every
// problem is found before anything is written, and said at once.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UserFacingError } from '../user-facing-error.ts';
import { asFileProblem } from './file-problem.ts';
import { kernelFileSystemOf } from './kernel-file-systems.ts';

export interface FileToWrite {
  /** inside the folder, '/'-separated, e.g. "web1/etc/hosts" */
  path: string;
  content: string | Uint8Array;
  /** permission bits, 0o644 when absent */
  mode?: number;
}

export interface TargetFolderOptions {
  /** how the user named the folder, for messages: "--out /tmp/x", "the state folder /x/.lab" */
  label: string;
  /** may an existing file that differs from what is to be written be replaced? (hafarm's own, or --force) */
  mayReplace(target: string, existing: Buffer): boolean;
  /** said when a file is refused for not being hafarm's, e.g. "pass --force to replace them" */
  replaceHint: string;
  /** the folder's mode when hafarm makes it (0o755 when absent) */
  folderMode?: number;
}

interface Problem {
  text: string;
  /** a file that is not hafarm's: --force would replace it */
  foreign?: boolean;
}

/** Files larger than this are never compared: they are not a file hafarm wrote. */
const COMPARED_BYTES = 64 * 1024 * 1024;

/** Refused before anything was written: every reason at once. */
export class WriteRefused extends UserFacingError {
  override name = 'WriteRefused';
  constructor(
    label: string,
    readonly problems: readonly string[],
    hint?: string,
  ) {
    const because = problems.length === 1 ? ` ${problems[0]}.` : `:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`;
    super(
      `${label}: nothing was written, because${because}${hint ? `${problems.length === 1 ? ' ' : ''}${hint}` : ''}`.trimEnd(),
    );
  }
}

function lstatOrNothing(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw asFileProblem(error, path);
  }
}

function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'ELOOP'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw asFileProblem(error, path);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFile()) return 'a file';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}

/** A relative path's parts; undefined when it could leave the folder or is not a plain path. */
export function pathParts(path: string): string[] | undefined {
  if (path === '' || isAbsolute(path) || path.includes('\0') || path.includes('\\')) return undefined;
  const parts = path.split('/');
  return parts.every((p) => p !== '' && p !== '.' && p !== '..') ? parts : undefined;
}

export class TargetFolder {
  readonly dir: string;

  constructor(
    dir: string,
    private readonly options: TargetFolderOptions,
  ) {
    this.dir = resolve(dir);
  }

  /** The absolute path of a file inside; hafarm's bug (not the user's) when the path could leave the folder. */
  pathOf(path: string): string {
    const parts = pathParts(path);
    if (!parts) throw new Error(`"${path}" is not a path inside ${this.dir}`);
    return join(this.dir, ...parts);
  }

  /** What stands in the way of the folder itself: a kernel file system, a file where it or a folder above it goes. */
  private folderProblems(): Problem[] {
    const kernel = kernelFileSystemOf(this.dir);
    if (kernel)
      return [{ text: `${this.dir} is on ${kernel}: it holds no files of anyone's (pass a folder on a disk)` }];
    // The folder the user named may be reached through links of their own (/tmp may be one): followed.
    for (let part = this.dir; ; part = dirname(part)) {
      const stats = statOrNothing(part);
      if (stats) return stats.isDirectory() ? [] : [{ text: `${part} is ${kindOf(stats)}, not a folder` }];
      if (part === dirname(part)) return [];
    }
  }

  /** Every reason the files cannot be written as asked; empty when they can. Reads only. */
  problems(files: readonly FileToWrite[]): Problem[] {
    const problems = this.folderProblems();
    if (problems.length > 0) return problems;
    const seen = new Set<string>();
    for (const file of files) {
      const target = this.pathOf(file.path);
      const parts = pathParts(file.path)!;
      let blocked = false;
      for (let i = 1; i < parts.length && !blocked; i++) {
        const folder = join(this.dir, ...parts.slice(0, i));
        if (seen.has(folder)) continue;
        seen.add(folder);
        const stats = lstatOrNothing(folder);
        if (!stats) break;
        if (stats.isSymbolicLink()) {
          problems.push({ text: `${folder} is a symbolic link, which hafarm does not write through (remove it)` });
          blocked = true;
        } else if (!stats.isDirectory()) {
          problems.push({ text: `${folder} is ${kindOf(stats)} where a folder is needed` });
          blocked = true;
        }
      }
      if (!blocked) problems.push(...this.fileProblems(target, file.content));
    }
    return problems;
  }

  private fileProblems(target: string, content: string | Uint8Array): Problem[] {
    const stats = lstatOrNothing(target);
    if (!stats) return [];
    if (stats.isSymbolicLink())
      return [{ text: `${target} is a symbolic link, which hafarm does not write through (remove it)` }];
    if (!stats.isFile()) return [{ text: `${target} is ${kindOf(stats)}, not a file hafarm wrote` }];
    const existing = stats.size <= COMPARED_BYTES ? this.read(target) : undefined;
    if (existing?.equals(Buffer.from(content))) return [];
    if (this.options.mayReplace(target, existing ?? Buffer.alloc(0))) return [];
    return [{ text: `${target} is there and hafarm did not write it (or it was changed since)`, foreign: true }];
  }

  private read(path: string): Buffer {
    try {
      return readFileSync(path);
    } catch (error) {
      throw asFileProblem(error, path);
    }
  }

  /** Refuses with every problem at once, or does nothing. */
  check(files: readonly FileToWrite[]): void {
    const problems = this.problems(files);
    if (problems.length > 0)
      throw new WriteRefused(
        this.options.label,
        problems.map((p) => p.text),
        problems.some((p) => p.foreign) ? this.options.replaceHint : undefined,
      );
  }

  /** Makes a folder inside (and the folder itself) one level at a time, refusing a link found on the way. */
  folder(path?: string): string {
    this.check([]);
    const parts = path === undefined ? [] : pathParts(path);
    if (!parts) throw new Error(`"${path}" is not a path inside ${this.dir}`);
    this.makeFolder(this.dir, true);
    let at = this.dir;
    for (const part of parts) {
      at = join(at, part);
      this.makeFolder(at, false);
    }
    return at;
  }

  private makeFolder(path: string, mayFollow: boolean): void {
    const stats = lstatOrNothing(path);
    if (stats?.isDirectory() || (mayFollow && stats?.isSymbolicLink())) return;
    if (stats) throw new WriteRefused(this.options.label, [`${path} is ${kindOf(stats)} where a folder is needed`]);
    makeFolderChain(path, this.options.folderMode ?? 0o755);
  }

  /** Writes the files once nothing stands in the way; returns their absolute paths. */
  write(files: readonly FileToWrite[]): string[] {
    this.check(files);
    this.folder();
    return files.map((file) => {
      const target = this.pathOf(file.path);
      const parts = pathParts(file.path)!;
      if (parts.length > 1) this.folder(parts.slice(0, -1).join('/'));
      replaceFile(target, file.content, file.mode ?? 0o644);
      return target;
    });
  }

  /** Opens a file to be filled as data comes (a capture): checked like the others, written in place. */
  openStream(path: string, mode = 0o644): { target: string; fd: number } {
    this.check([{ path, content: '' }]);
    const target = this.pathOf(path);
    const parts = pathParts(path)!;
    this.folder(parts.length > 1 ? parts.slice(0, -1).join('/') : undefined);
    try {
      const fd = openSync(
        target,
        constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
        mode,
      );
      fchmodSync(fd, mode);
      return { target, fd };
    } catch (error) {
      throw asFileProblem(error, target, 'write');
    }
  }
}

/**
 * Writes `content` to a new file beside `target`, then renames it over `target`: the old file
 * stays whole until the new one is complete. A link at `target` is replaced, never followed.
 */
export function replaceFile(target: string, content: string | Uint8Array, mode: number): void {
  const temporary = join(dirname(target), `.${randomBytes(6).toString('hex')}.hafarm-partial`);
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  let fd: number | undefined;
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    // The umask may have taken bits away; a secret keeps exactly the mode asked for.
    fchmodSync(fd, mode);
    for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was made, or it is gone already
    }
    throw asFileProblem(error, target, 'write');
  }
}

/**
 * Makes a folder and the missing ones above it one level at a time (Node's recursive mkdir loops
 * for ever under /proc): refused on a kernel file system, and where a file stands in the way.
 */
export function makeFolderChain(path: string, mode = 0o755): void {
  const kernel = kernelFileSystemOf(path);
  if (kernel)
    throw new WriteRefused(path, [`it is on ${kernel}: it holds no files of anyone's (pass a folder on a disk)`]);
  const missing: string[] = [];
  for (let part = resolve(path); ; part = dirname(part)) {
    const stats = statOrNothing(part);
    if (stats) {
      if (!stats.isDirectory()) throw new WriteRefused(path, [`${part} is ${kindOf(stats)}, not a folder`]);
      break;
    }
    missing.unshift(part);
    if (part === dirname(part)) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      // made meanwhile by another hafarm: fine when it is a folder
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && statOrNothing(folder)?.isDirectory()) continue;
      throw asFileProblem(error, folder, 'create folder');
    }
  }
}
