// A path's kind and attributes without managing its content (Ansible's file module):
// a directory, an existing file's mode/owner, or nothing at all.
import { attributeDiff } from '../diff.ts';
import { command } from '../ssh/shell-quote.ts';
import { changed, failed, ok, type Task } from '../task.ts';
import { normalizeMode } from './remote-file.ts';

export interface PathSpec {
  name: string;
  path: string;
  state: 'directory' | 'file' | 'absent';
  mode?: string;
  owner?: string;
  group?: string;
  notify?: string[];
  tags?: string[];
}

export function pathState(spec: PathSpec): Task {
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    paths: [spec.path],
    async run(ctx) {
      const actual = await ctx.files.read(spec.path);
      if (spec.state === 'absent') {
        if (!actual.exists) return ok();
        if (ctx.check) return changed(`would remove ${spec.path}`);
        ctx.files.forget(spec.path);
        const result = await ctx.remote.exec(command('rm', '-rf', '--', spec.path));
        return result.code === 0 ? changed(`removed ${spec.path}`) : failed(result.stderr.trim());
      }
      if (spec.state === 'file' && !actual.exists)
        return failed(`${spec.path} does not exist (state: file manages attributes of an existing file)`);
      if (actual.exists && actual.kind !== spec.state)
        return failed(`${spec.path} is a ${actual.kind}, not a ${spec.state}`);
      const wanted: Record<string, string> = {
        ...(spec.mode ? { mode: normalizeMode(spec.mode) } : {}),
        ...(spec.owner ? { owner: spec.owner } : {}),
        ...(spec.group ? { group: spec.group } : {}),
      };
      const before: Record<string, string> = actual.exists
        ? { mode: actual.mode, owner: actual.owner, group: actual.group }
        : {};
      const differing = Object.keys(wanted).filter((k) => before[k] !== wanted[k]);
      if (actual.exists && differing.length === 0) return ok();
      const what = actual.exists ? `set ${differing.join(', ')} of ${spec.path}` : `create directory ${spec.path}`;
      const diff = ctx.diff
        ? attributeDiff(spec.path, before, wanted) || `${spec.path}: (absent) -> directory`
        : undefined;
      if (ctx.check) return changed(`would ${what}`, diff);
      ctx.files.forget(spec.path);
      const steps = [
        ...(actual.exists ? [] : [command('mkdir', '-p', spec.path)]),
        ...(wanted.owner || wanted.group
          ? [command('chown', `${wanted.owner ?? ''}${wanted.group ? `:${wanted.group}` : ''}`, spec.path)]
          : []),
        ...(wanted.mode ? [command('chmod', wanted.mode, spec.path)] : []),
      ];
      const result = await ctx.remote.exec(steps.join(' && '));
      return result.code === 0 ? changed(what, diff) : failed(result.stderr.trim());
    },
  };
}
