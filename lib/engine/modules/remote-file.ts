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
  | { exists: false }
  | ({ exists: true; kind: 'file' | 'directory' | 'other'; content?: Buffer } & FileAttributes);

export function normalizeMode(mode: string | number): string {
  const value = typeof mode === 'number' ? mode : parseInt(mode, 8);
  if (!Number.isInteger(value) || value < 0 || value > 0o7777) throw new Error(`invalid file mode ${mode}`);
  return value.toString(8).padStart(4, '0');
}

export async function readRemoteFile(remote: Remote, path: string, withContent = true): Promise<RemoteFileState> {
  const p = quote(path);
  const script = `if [ -e ${p} ]; then stat -c '%a %U %G %F' ${p}; ${withContent ? `if [ -f ${p} ]; then echo @@; base64 -w0 ${p}; fi; ` : ''}else echo @@absent; fi`;
  const result = await remote.exec(script);
  if (result.code !== 0) throw new Error(`cannot read ${path}: ${result.stderr.trim()}`);
  if (result.stdout.startsWith('@@absent')) return { exists: false };
  const [head, body] = result.stdout.split('\n@@\n');
  const [mode, owner, group, ...kindWords] = (head ?? '').trim().split(' ');
  const kindText = kindWords.join(' ');
  const kind = kindText.startsWith('regular') ? 'file' : kindText === 'directory' ? 'directory' : 'other';
  return {
    exists: true,
    kind,
    mode: normalizeMode(mode ?? '0'),
    owner: owner ?? '',
    group: group ?? '',
    ...(body !== undefined ? { content: Buffer.from(body.trim(), 'base64') } : {}),
  };
}

export class ValidationFailed extends Error {
  override name = 'ValidationFailed';
}

/**
 * Replaces path with content. The validator command (with %s for the new file) runs on the new
 * content before it replaces the old; when it fails the old file stays and its output is thrown.
 */
export async function writeRemoteFile(remote: Remote, path: string, content: Buffer, attributes: FileAttributes, validate?: string): Promise<void> {
  const staged = await remote.stage(content);
  const temp = `${dirname(path)}/.hafarm-new-${staged.slice(-12)}`;
  const steps = [
    `trap 'rm -f ${quote(staged)} ${quote(temp)}' EXIT`,
    command('install', '-o', attributes.owner, '-g', attributes.group, '-m', attributes.mode, staged, temp),
    ...(validate ? [`{ ${validate.replaceAll('%s', quote(temp))}; } 2>&1 || { echo "@@validator-failed"; exit 3; }`] : []),
    command('mv', '-f', temp, path),
  ];
  const result = await remote.exec(steps.join(' && '));
  if (result.code === 3 && result.stdout.includes('@@validator-failed')) {
    throw new ValidationFailed(`validator \`${validate}\` refused the new ${path}; the old file is kept:\n${result.stdout.replace('@@validator-failed', '').trim()}`);
  }
  if (result.code !== 0) throw new Error(`cannot write ${path}: ${(result.stderr || result.stdout).trim()}`);
}

export async function setAttributes(remote: Remote, path: string, attributes: FileAttributes): Promise<void> {
  const result = await remote.exec(`${command('chown', `${attributes.owner}:${attributes.group}`, path)} && ${command('chmod', attributes.mode, path)}`);
  if (result.code !== 0) throw new Error(`cannot set owner and mode of ${path}: ${result.stderr.trim()}`);
}
