// A command, made idempotent by what it creates or removes, or by a changedWhen test of its
// output, so that it is not "changed" on every run.
import type { ExecResult } from '../remote.ts';
import { changed, failed, ok, type Task, type TaskResult } from '../task.ts';

export interface CommandSpec {
  name: string;
  /** a shell command line, run as root */
  cmd: string;
  /** skip when this path exists */
  creates?: string;
  /** skip when this path does not exist */
  removes?: string;
  /** decides "changed" from the result; default: changed whenever it ran */
  changedWhen?: (result: ExecResult) => boolean;
  /** decides failure; default: a non-zero exit code */
  failedWhen?: (result: ExecResult) => boolean;
  timeoutMs?: number;
  notify?: string[];
  tags?: string[];
}

export function shellCommand(spec: CommandSpec): Task {
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    paths: [spec.creates, spec.removes].filter((p): p is string => p !== undefined),
    async run(ctx): Promise<TaskResult> {
      if (spec.creates && (await ctx.files.read(spec.creates)).exists) return ok();
      if (spec.removes && !(await ctx.files.read(spec.removes)).exists) return ok();
      if (ctx.check)
        return { status: 'skipped', message: `would run: ${spec.cmd} (commands do not run in check mode)` };
      const result = await ctx.remote.exec(spec.cmd, spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {});
      const isFailure = spec.failedWhen ? spec.failedWhen(result) : result.code !== 0;
      if (isFailure)
        return failed(
          `exit ${result.code}: ${(result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n')}`,
        );
      const isChange = spec.changedWhen ? spec.changedWhen(result) : true;
      return isChange ? changed(`ran: ${spec.cmd}`) : ok();
    },
  };
}
