// A file with the given content, mode and owner (Ansible's copy/template): compared by content
// and attributes; only attributes are fixed when only they differ.
import { attributeDiff, fileDiff } from '../diff.ts';
import { changed, failed, ok, type ManagedFile, type Task, type TaskContext, type TaskResult } from '../task.ts';
import { normalizeMode, setAttributes, ValidationFailed, writeRemoteFile, type FileAttributes } from './remote-file.ts';

export interface FileSpec {
  name: string;
  path: string;
  content: string | Buffer | ((ctx: TaskContext) => string | Buffer);
  mode?: string;
  owner?: string;
  group?: string;
  /** command run on the new content before it replaces the old; %s is the new file */
  validate?: string;
  /** a secret: never show its content in a diff */
  secret?: boolean;
  /** values (passwords) masked wherever a diff would show them */
  redact?: string[];
  notify?: string[];
  tags?: string[];
}

function mask(text: string, secrets: string[] = []): string {
  return secrets.filter(Boolean).reduce((acc, secret) => acc.replaceAll(secret, '********'), text);
}

type FileContent = Omit<FileSpec, 'name' | 'notify' | 'tags'>;

function wantedOf(ctx: TaskContext, spec: FileContent): { content: Buffer; attributes: FileAttributes } {
  return {
    content: Buffer.from(typeof spec.content === 'function' ? spec.content(ctx) : spec.content),
    attributes: { mode: normalizeMode(spec.mode ?? '0644'), owner: spec.owner ?? 'root', group: spec.group ?? 'root' },
  };
}

export function renderFile(ctx: TaskContext, spec: FileContent): ManagedFile {
  const { content, attributes } = wantedOf(ctx, spec);
  return { path: spec.path, content: content.toString(), ...attributes, kind: 'file' };
}

export async function ensureFile(ctx: TaskContext, spec: FileContent): Promise<TaskResult> {
  const { content: wanted, attributes } = wantedOf(ctx, spec);
  const actual = await ctx.files.read(spec.path);
  if (actual.exists && actual.kind !== 'file') return failed(`${spec.path} exists and is a ${actual.kind}, not a file`);
  const before = actual.exists ? actual.content : undefined;
  const contentDiffers = !before || !before.equals(wanted);
  const attributesDiffer =
    actual.exists &&
    (actual.mode !== attributes.mode || actual.owner !== attributes.owner || actual.group !== attributes.group);
  if (!contentDiffers && !attributesDiffer) return ok();

  let diff: string | undefined;
  if (ctx.diff) {
    const contentPart = contentDiffers
      ? spec.secret
        ? `${spec.path}: content changed (secret, not shown)`
        : mask(fileDiff(spec.path, before?.toString(), wanted.toString()), spec.redact)
      : '';
    const attributePart = actual.exists
      ? attributeDiff(spec.path, { mode: actual.mode, owner: actual.owner, group: actual.group }, { ...attributes })
      : '';
    diff = [contentPart, attributePart].filter(Boolean).join('\n');
  }
  const what = !actual.exists
    ? `create ${spec.path}`
    : contentDiffers
      ? `update ${spec.path}`
      : `set mode/owner of ${spec.path}`;
  if (ctx.check) return changed(`would ${what}`, diff);
  try {
    ctx.files.forget(spec.path);
    if (contentDiffers) await writeRemoteFile(ctx.remote, spec.path, wanted, attributes, spec.validate);
    else await setAttributes(ctx.remote, spec.path, attributes);
  } catch (error) {
    if (error instanceof ValidationFailed) return failed(error.message);
    throw error;
  }
  return changed(what, diff);
}

export function file(spec: FileSpec): Task {
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    paths: [spec.path],
    run: (ctx) => ensureFile(ctx, spec),
    render: (ctx) => [renderFile(ctx, spec)],
  };
}
