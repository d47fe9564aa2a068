// Reading a file's state and replacing it atomically: the new content is staged over SFTP,
// installed beside the target with its mode and owner, validated there, then renamed over it.
import { dirname } from 'node:path';
import type { Remote } from '../remote.ts';
import { command, quote } from '../ssh/shell-quote.ts';

export interface FileAttributes {
  /** four octal digits, e.g. 0644 */
  mode: string;
  owner: string;
  group: string;
}

export type RemoteFileState =
  { exists: false } | ({ exists: true; kind: 'file' | 'directory' | 'other'; content?: Buffer } & FileAttributes);

export type ExistingFile = Extract<RemoteFileState, { exists: true }>;

export function normalizeMode(mode: string | number): string {
  const value = typeof mode === 'number' ? mode : parseInt(mode, 8);
  if (!Number.isInteger(value) || value < 0 || value > 0o7777) throw new Error(`invalid file mode ${mode}`);
  return value.toString(8).padStart(4, '0');
}

/**
 * File states read in one command for many paths (pyinfra's facts-first idea applied to files):
 * the runner prefetches the paths a role's tasks name, so a no-op task costs no round trip.
 * One stat and one cat for all of them, whatever their number.
 */
export function fileStatesCommand(paths: string[]): string {
  const list = paths.map(quote).join(' ');
  return [
    `set --; for p in ${list}; do if [ -e "$p" ]; then echo 1; set -- "$@" "$p"; else echo 0; fi; done`,
    `echo @@; if [ $# -gt 0 ]; then stat -c '%a %U %G %s %F' -- "$@"; fi`,
    `echo @@; set --; for p in ${list}; do if [ -f "$p" ]; then set -- "$@" "$p"; fi; done; if [ $# -gt 0 ]; then cat -- "$@"; fi`,
  ].join('; ');
}

export function parseFileStates(paths: string[], output: Buffer): Map<string, RemoteFileState> {
  const first = output.indexOf('\n@@\n');
  const second = output.indexOf('\n@@\n', first + 3);
  if (first === -1 || second === -1) throw new Error('unreadable answer while reading file states');
  const flags = output.subarray(0, first).toString().split('\n');
  const stats = output
    .subarray(first + 4, second)
    .toString()
    .split('\n')
    .filter(Boolean);
  let content = output.subarray(second + 4);
  const states = new Map<string, RemoteFileState>();
  let statIndex = 0;
  paths.forEach((path, i) => {
    if (flags[i] !== '1') return states.set(path, { exists: false });
    const [mode, owner, group, size, ...kindWords] = (stats[statIndex++] ?? '').split(' ');
    const kindText = kindWords.join(' ');
    const kind = kindText.startsWith('regular') ? 'file' : kindText === 'directory' ? 'directory' : 'other';
    const state: RemoteFileState = {
      exists: true,
      kind,
      mode: normalizeMode(mode ?? '0'),
      owner: owner ?? '',
      group: group ?? '',
    };
    if (kind === 'file') {
      const length = Number(size);
      state.content = Buffer.from(content.subarray(0, length));
      content = content.subarray(length);
    }
    states.set(path, state);
  });
  return states;
}

export class FileStates {
  private readonly cache = new Map<string, RemoteFileState>();

  constructor(private readonly remote: Remote) {}

  async prefetch(paths: string[]): Promise<void> {
    const wanted = [...new Set(paths)].filter((p) => !this.cache.has(p));
    if (wanted.length === 0) return;
    const result = await this.remote.exec(fileStatesCommand(wanted));
    if (result.code !== 0) throw new Error(`cannot read ${wanted.join(', ')}: ${result.stderr.trim()}`);
    for (const [path, state] of parseFileStates(wanted, result.stdoutBytes)) this.cache.set(path, state);
  }

  async read(path: string): Promise<RemoteFileState> {
    await this.prefetch([path]);
    return this.cache.get(path)!;
  }

  /** After a change the next read asks the machine again. */
  forget(path: string): void {
    this.cache.delete(path);
  }

  forgetAll(): void {
    this.cache.clear();
  }
}

export class ValidationFailed extends Error {
  override name = 'ValidationFailed';
}

/**
 * Moves the new file over the old one; where the old one is a mount point (Docker bind-mounts
 * its own /etc/hosts, /etc/hostname and /etc/resolv.conf into a container, and a rename onto a
 * mount point fails with EBUSY), writes it in place instead, with its owner and mode.
 */
export function replaceCommand(temp: string, path: string, attributes: FileAttributes): string {
  const mounted = `awk -v p=${quote(path)} '$5 == p { found = 1 } END { exit !found }' /proc/self/mountinfo`;
  const inPlace = [
    `cat ${quote(temp)} > ${quote(path)}`,
    command('chown', `${attributes.owner}:${attributes.group}`, path),
    command('chmod', attributes.mode, path),
  ].join(' && ');
  return `if ${mounted}; then ${inPlace}; else ${command('mv', '-f', temp, path)}; fi`;
}

/**
 * Replaces path with content. The validator command (with %s for the new file) runs on the new
 * content before it replaces the old; when it fails the old file stays and its output is thrown.
 */
export async function writeRemoteFile(
  remote: Remote,
  path: string,
  content: Buffer,
  attributes: FileAttributes,
  validate?: string,
): Promise<void> {
  const staged = await remote.stage(content);
  const temp = `${dirname(path)}/.hafarm-new-${staged.slice(-12)}`;
  const steps = [
    `trap 'rm -f ${quote(staged)} ${quote(temp)}' EXIT`,
    command('install', '-o', attributes.owner, '-g', attributes.group, '-m', attributes.mode, staged, temp),
    ...(validate
      ? [`{ ${validate.replaceAll('%s', quote(temp))}; } 2>&1 || { echo "@@validator-failed"; exit 3; }`]
      : []),
    replaceCommand(temp, path, attributes),
  ];
  const result = await remote.exec(steps.join(' && '));
  if (result.code === 3 && result.stdout.includes('@@validator-failed')) {
    throw new ValidationFailed(
      `validator \`${validate}\` refused the new ${path}; the old file is kept:\n${result.stdout.replace('@@validator-failed', '').trim()}`,
    );
  }
  if (result.code !== 0) throw new Error(`cannot write ${path}: ${(result.stderr || result.stdout).trim()}`);
}

export async function setAttributes(remote: Remote, path: string, attributes: FileAttributes): Promise<void> {
  const result = await remote.exec(
    `${command('chown', `${attributes.owner}:${attributes.group}`, path)} && ${command('chmod', attributes.mode, path)}`,
  );
  if (result.code !== 0) throw new Error(`cannot set owner and mode of ${path}: ${result.stderr.trim()}`);
}
