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
  const result = await ctx.remote.exec(
    `dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' ${names.map((n) => command(n)).join(' ')} 2>/dev/null; true`,
  );
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

function packageDiff(ctx: TaskContext, state: 'present' | 'absent', names: string[]): string | undefined {
  return ctx.diff && names.length > 0
    ? names.map((p) => `${state === 'present' ? '+' : '-'} package ${p}`).join('\n')
    : undefined;
}

/** "installed haproxy (in the package transaction of "T4 install heartbeat")": a step whose packages an earlier step's transaction took. */
function installedEarlier(ctx: TaskContext, spec: PackagesSpec): { names: string[]; note: string } {
  const names = spec.packages.filter((p) => ctx.run.installedBy.has(p) && ctx.run.installedBy.get(p) !== spec.name);
  const by = [...new Set(names.map((p) => ctx.run.installedBy.get(p)))];
  return {
    names,
    note: names.length > 0 ? `${names.join(', ')} (in the package transaction of "${by.join('", "')}")` : '',
  };
}

export function packages(spec: PackagesSpec): Task {
  const state = spec.state ?? 'present';
  // with recommends, a transaction of its own: the others' packages would come with theirs
  const batches = state === 'present' && !spec.installRecommends;
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    ...(batches ? { installs: spec.packages } : {}),
    ...(state === 'absent' ? { removes: spec.packages } : {}),
    async run(ctx) {
      const todo = spec.packages.filter((p) => ctx.facts.packages.has(p) === (state === 'absent'));
      const earlier = state === 'present' ? installedEarlier(ctx, spec) : { names: [], note: '' };
      if (todo.length === 0)
        return earlier.names.length > 0
          ? changed(`installed ${earlier.note}`, packageDiff(ctx, state, earlier.names))
          : ok();
      const verb = state === 'present' ? 'install' : spec.purge ? 'purge' : 'remove';
      if (ctx.check) return changed(`would ${verb} ${todo.join(', ')}`, packageDiff(ctx, state, todo));
      if (state === 'present' && !ctx.run.aptUpdated) {
        const update = await ctx.remote.exec('apt-get update -q', { timeoutMs: APT_TIMEOUT_MS });
        if (update.code !== 0) return failed(`apt-get update failed:\n${tail(update.stderr || update.stdout)}`);
        ctx.run.aptUpdated = true;
      }
      const apt = (names: string[]) => {
        const args =
          state === 'present'
            ? ['install', ...APT_OPTIONS, ...(spec.installRecommends ? [] : ['--no-install-recommends']), ...names]
            : [verb, ...APT_OPTIONS, ...names];
        return ctx.remote.exec(command('apt-get', ...args), { timeoutMs: APT_TIMEOUT_MS });
      };
      // What the host's later steps install comes in the same transaction: apt reads its lists,
      // resolves and runs dpkg's triggers once per host, not once per step.
      const ahead = batches
        ? [...ctx.run.packagesToInstall].filter((p) => !todo.includes(p) && !ctx.facts.packages.has(p))
        : [];
      // apt-get's --autoremove would also take packages that were unneeded before: only those
      // that this purge left unneeded go with it.
      const unneededBefore = spec.purge ? await unneeded(ctx) : new Set<string>();
      const reached = (p: string) => ctx.facts.packages.has(p) === (state === 'present');
      const result = await apt([...todo, ...ahead]);
      await refreshPackageFacts(ctx, [...todo, ...ahead]);
      let failure = result.code !== 0 ? result : undefined;
      if (failure && ahead.length > 0) {
        // A later step's package may be what failed: this step's own alone, so that a failure is
        // said at the step it belongs to (the later step tries its own again, and says why).
        const missing = todo.filter((p) => !reached(p));
        failure = undefined;
        if (missing.length > 0) {
          const again = await apt(missing);
          await refreshPackageFacts(ctx, missing);
          if (again.code !== 0) failure = again;
        }
      }
      const tookAhead = ahead.filter((p) => ctx.facts.packages.has(p));
      if (state === 'present')
        for (const p of [...todo, ...tookAhead]) if (ctx.facts.packages.has(p)) ctx.run.installedBy.set(p, spec.name);
      if (failure)
        return failed(`apt-get ${verb} ${todo.join(' ')} failed:\n${tail(failure.stderr || failure.stdout)}`);
      const orphans = spec.purge ? [...(await unneeded(ctx))].filter((p) => !unneededBefore.has(p)) : [];
      if (orphans.length > 0) {
        const purged = await ctx.remote.exec(command('apt-get', 'purge', ...APT_OPTIONS, ...orphans), {
          timeoutMs: APT_TIMEOUT_MS,
        });
        if (purged.code !== 0)
          return failed(
            `apt-get purge ${orphans.join(' ')} (what only ${todo.join(', ')} needed) failed:\n${tail(purged.stderr || purged.stdout)}`,
          );
      }
      const also = orphans.length > 0 ? ` and what only they needed (${orphans.join(', ')})` : '';
      const withAhead =
        tookAhead.length > 0 ? ` (one package transaction with ${tookAhead.join(', ')}, for the steps after it)` : '';
      const withEarlier = earlier.names.length > 0 ? `; ${earlier.note}` : '';
      return changed(
        `${verb === 'install' ? 'installed' : verb === 'purge' ? 'purged' : 'removed'} ${todo.join(', ')}${also}${withAhead}${withEarlier}`,
        packageDiff(ctx, state, [...todo, ...earlier.names]),
      );
    },
  };
}
