// A kernel parameter, persisted in /etc/sysctl.d and applied now (T8: net.ipv4.ip_nonlocal_bind).
import { command } from '../ssh/shell-quote.ts';
import { changed, failed, type Task } from '../task.ts';
import { lineInFile } from './edit-file.ts';

export interface SysctlSpec {
  name: string;
  key: string;
  value: string;
  file?: string;
  notify?: string[];
  tags?: string[];
}

export const DEFAULT_SYSCTL_FILE = '/etc/sysctl.d/60-hafarm.conf';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function sysctl(spec: SysctlSpec): Task {
  const persist = lineInFile({
    name: spec.name,
    path: spec.file ?? DEFAULT_SYSCTL_FILE,
    line: `${spec.key} = ${spec.value}`,
    regexp: new RegExp(`^\\s*${escapeRegExp(spec.key)}\\s*=`),
  });
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    paths: persist.paths,
    reads: () => [command('sysctl', '-n', spec.key)],
    render: (ctx) => persist.render?.(ctx) ?? [],
    async run(ctx) {
      // An unknown key is refused before anything is persisted.
      const read = await ctx.reads.run(command('sysctl', '-n', spec.key));
      if (read.code !== 0) return failed(`unknown kernel parameter ${spec.key}: ${read.stderr.trim()}`);
      const current = read.stdout.trim();
      const persisted = await persist.run(ctx);
      if (persisted.status === 'failed') return persisted;
      const applyNeeded = current !== spec.value;
      const messages = [persisted.status === 'changed' ? persisted.message : undefined];
      const diffs = [persisted.diff];
      if (applyNeeded) {
        diffs.push(`${spec.key}: ${current} -> ${spec.value} (running kernel)`);
        if (ctx.check) messages.push(`would set ${spec.key}=${spec.value}`);
        else {
          const write = await ctx.remote.exec(command('sysctl', '-q', '-w', `${spec.key}=${spec.value}`));
          if (write.code !== 0) return failed(`sysctl -w ${spec.key}=${spec.value} failed: ${write.stderr.trim()}`);
          messages.push(`set ${spec.key}=${spec.value}`);
        }
      }
      if (persisted.status !== 'changed' && !applyNeeded) return persisted;
      const diff = ctx.diff ? diffs.filter(Boolean).join('\n') : undefined;
      return changed(messages.filter(Boolean).join('; '), diff);
    },
  };
}
