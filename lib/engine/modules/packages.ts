// Debian packages present or absent, through apt, non-interactively: every missing package of a
// task in one apt-get run, and at most one `apt-get update` per host per run.
import { command } from '../ssh/shell-quote.ts';
import { changed, failed, ok, type Task, type TaskContext } from '../task.ts';

export interface PackagesSpec {
  name: string;
  packages: string[];
  state?: 'present' | 'absent';
  /** absent: purge their configuration too, and the packages only they needed (never one that was unneeded before) */
  purge?: boolean;
  installRecommends?: boolean;
  notify?: string[];
  tags?: string[];
}

const APT_TIMEOUT_MS = 900_000;
const APT_OPTIONS = ['-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

async function refreshPackageFacts(ctx: TaskContext, names: string[]): Promise<void> {
  const result = await ctx.remote.exec(`dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' ${names.map((n) => command(n)).join(' ')} 2>/dev/null; true`);
  for (const name of names) ctx.facts.packages.delete(name);
  for (const line of result.stdout.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (name && status?.startsWith('ii')) ctx.facts.packages.set(name, version ?? '');
  }
}

/** The packages apt would autoremove now: installed as dependencies of what is no longer there. */
async function unneeded(ctx: TaskContext): Promise<Set<string>> {
  const result = await ctx.remote.exec(`apt-get -s autoremove 2>/dev/null | sed -n 's/^Remv \\([^ ]*\\).*/\\1/p'`);
  return new Set(result.stdout.split('\n').filter(Boolean));
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-8).join('\n');
}

export function packages(spec: PackagesSpec): Task {
  const state = spec.state ?? 'present';
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    async run(ctx) {
      const todo = spec.packages.filter((p) => ctx.facts.packages.has(p) === (state === 'absent'));
      if (todo.length === 0) return ok();
      const verb = state === 'present' ? 'install' : spec.purge ? 'purge' : 'remove';
      if (ctx.check) return changed(`would ${verb} ${todo.join(', ')}`, ctx.diff ? todo.map((p) => `${state === 'present' ? '+' : '-'} package ${p}`).join('\n') : undefined);
      if (state === 'present' && !ctx.run.aptUpdated) {
        const update = await ctx.remote.exec('apt-get update -q', { timeoutMs: APT_TIMEOUT_MS });
        if (update.code !== 0) return failed(`apt-get update failed:\n${tail(update.stderr || update.stdout)}`);
        ctx.run.aptUpdated = true;
      }
      const args = state === 'present' ? ['install', ...APT_OPTIONS, ...(spec.installRecommends ? [] : ['--no-install-recommends']), ...todo] : [verb, ...APT_OPTIONS, ...todo];
      // apt-get's --autoremove would also take packages that were unneeded before: only those
      // that this purge left unneeded go with it.
      const unneededBefore = spec.purge ? await unneeded(ctx) : new Set<string>();
      const result = await ctx.remote.exec(command('apt-get', ...args), { timeoutMs: APT_TIMEOUT_MS });
      await refreshPackageFacts(ctx, todo);
      if (result.code !== 0) return failed(`apt-get ${verb} ${todo.join(' ')} failed:\n${tail(result.stderr || result.stdout)}`);
      const orphans = spec.purge ? [...(await unneeded(ctx))].filter((p) => !unneededBefore.has(p)) : [];
      if (orphans.length > 0) {
        const purged = await ctx.remote.exec(command('apt-get', 'purge', ...APT_OPTIONS, ...orphans), { timeoutMs: APT_TIMEOUT_MS });
        if (purged.code !== 0) return failed(`apt-get purge ${orphans.join(' ')} (what only ${todo.join(', ')} needed) failed:\n${tail(purged.stderr || purged.stdout)}`);
      }
      const also = orphans.length > 0 ? ` and what only they needed (${orphans.join(', ')})` : '';
      return changed(`${verb === 'install' ? 'installed' : verb === 'purge' ? 'purged' : 'removed'} ${todo.join(', ')}${also}`, ctx.diff ? todo.map((p) => `${state === 'present' ? '+' : '-'} package ${p}`).join('\n') : undefined);
    },
  };
}
