// Tasks that edit part of a file and leave the rest alone: a managed block (T2's /etc/hosts
// entries) or a single line. The file keeps its mode and owner.
import type { Task, TaskContext, TaskResult } from '../task.ts';
import { failed } from '../task.ts';
import { ensureFile } from './file.ts';
import { readRemoteFile } from './remote-file.ts';
import { withBlock, withLine } from './text-edit.ts';

interface EditSpec {
  name: string;
  path: string;
  /** mode for a file that does not exist yet */
  mode?: string;
  validate?: string;
  notify?: string[];
  tags?: string[];
}

async function editFile(ctx: TaskContext, spec: EditSpec, edit: (content: string) => string): Promise<TaskResult> {
  const actual = await readRemoteFile(ctx.remote, spec.path);
  if (actual.exists && actual.kind !== 'file') return failed(`${spec.path} is a ${actual.kind}, not a file`);
  const current = actual.exists ? (actual.content?.toString() ?? '') : '';
  const attributes = actual.exists ? { mode: actual.mode, owner: actual.owner, group: actual.group } : { mode: spec.mode ?? '0644' };
  return ensureFile(ctx, { path: spec.path, content: edit(current), ...attributes, ...(spec.validate ? { validate: spec.validate } : {}) });
}

export function blockInFile(spec: EditSpec & { marker: string; block: string | ((ctx: TaskContext) => string) }): Task {
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    run: (ctx) => editFile(ctx, spec, (content) => withBlock(content, spec.marker, typeof spec.block === 'function' ? spec.block(ctx) : spec.block)),
  };
}

export function lineInFile(spec: EditSpec & { line: string; regexp: RegExp }): Task {
  return { name: spec.name, tags: spec.tags, notify: spec.notify, run: (ctx) => editFile(ctx, spec, (content) => withLine(content, spec.line, spec.regexp)) };
}
