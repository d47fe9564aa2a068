// Tasks that edit part of a file and leave the rest alone: a managed block (T2's /etc/hosts
// entries) or a single line. The file keeps its mode and owner.
import type { ManagedFile, Task, TaskContext, TaskResult } from '../task.ts';
import { failed, ok } from '../task.ts';
import { ensureFile } from './file.ts';
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
  const actual = await ctx.files.read(spec.path);
  if (actual.exists && actual.kind !== 'file') return failed(`${spec.path} is a ${actual.kind}, not a file`);
  const current = actual.exists ? (actual.content?.toString() ?? '') : '';
  const attributes = actual.exists
    ? { mode: actual.mode, owner: actual.owner, group: actual.group }
    : { mode: spec.mode ?? '0644' };
  const next = edit(current);
  if (!actual.exists && next === '') return ok();
  return ensureFile(ctx, {
    path: spec.path,
    content: next,
    ...attributes,
    ...(spec.validate ? { validate: spec.validate } : {}),
  });
}

function managedPart(spec: EditSpec, kind: 'block' | 'line', content: string): ManagedFile {
  return { path: spec.path, content, mode: spec.mode ?? '0644', owner: 'root', group: 'root', kind };
}

export function blockInFile(spec: EditSpec & { marker: string; block: string | ((ctx: TaskContext) => string) }): Task {
  const blockOf = (ctx: TaskContext) => (typeof spec.block === 'function' ? spec.block(ctx) : spec.block);
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    paths: [spec.path],
    run: (ctx) => editFile(ctx, spec, (content) => withBlock(content, spec.marker, blockOf(ctx))),
    render: (ctx) => [managedPart(spec, 'block', withBlock('', spec.marker, blockOf(ctx)))],
  };
}

/** onlyIfPresent: change the line only where the file already has one matching regexp. */
export function lineInFile(spec: EditSpec & { line: string; regexp: RegExp; onlyIfPresent?: boolean }): Task {
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    paths: [spec.path],
    run: (ctx) =>
      editFile(ctx, spec, (content) =>
        spec.onlyIfPresent && !content.split('\n').some((l) => spec.regexp.test(l))
          ? content
          : withLine(content, spec.line, spec.regexp),
      ),
    render: () => [managedPart(spec, 'line', `${spec.line}\n`)],
  };
}
