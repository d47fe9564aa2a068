// On a terminal: one listr2 line per host showing the task it is on; the notable results and
// the recap are printed once the live view is done.
import { requireOnFirstUse } from '../../load-on-first-use.ts';
import { formatRecap } from '../recap.ts';
import type { PlayEvent, PlayOutcome } from '../run-play.ts';
import { formatResult, formatUnreachable, isNotable } from './format-result.ts';
import type { PlayReporter, ReportOptions } from './reporter.ts';

const listr2 = requireOnFirstUse<typeof import('listr2')>('listr2');

interface HostView {
  output?: (text: string) => void;
  settle?: (error?: Error) => void;
  done?: Error | null;
}

export class ListrReporter implements PlayReporter {
  private readonly views = new Map<string, HostView>();
  private readonly notable: string[] = [];
  private readonly shown: Promise<unknown>;

  constructor(
    hosts: string[],
    private readonly options: ReportOptions,
  ) {
    for (const host of hosts) this.views.set(host, {});
    const list = new (listr2().Listr)(
      hosts.map((host) => ({
        title: host,
        task: (_ctx: unknown, task: { output: string; title: string }) =>
          new Promise<void>((resolve, reject) => {
            const view = this.views.get(host)!;
            if (view.done !== undefined) return view.done ? reject(view.done) : resolve();
            view.output = (text) => (task.output = text);
            view.settle = (error) => (error ? reject(error) : resolve());
          }),
      })),
      { concurrent: true, exitOnError: false },
    );
    this.shown = list.run().catch(() => undefined);
  }

  private settle(host: string, error?: Error): void {
    const view = this.views.get(host);
    if (!view || view.done !== undefined) return;
    view.done = error ?? null;
    view.settle?.(error);
  }

  onEvent(event: PlayEvent): void {
    if (event.type === 'task-start')
      this.views.get(event.host)?.output?.(`${event.handler ? 'handler' : event.role} : ${event.task}`);
    if (event.type === 'task-result' && isNotable(event, this.options))
      this.notable.push(...formatResult(event, this.options));
    if (event.type === 'host-unreachable') this.notable.push(formatUnreachable(event));
    if (event.type === 'host-done') {
      const { stats } = event;
      const summary = `ok=${stats.ok} changed=${stats.changed} failed=${stats.failed} unreachable=${stats.unreachable}`;
      this.settle(event.host, stats.failed || stats.unreachable ? new Error(summary) : undefined);
    }
  }

  async finish(outcome: PlayOutcome): Promise<void> {
    for (const host of this.views.keys())
      this.settle(host, outcome.recap.get(host)?.unreachable ? new Error('unreachable') : undefined);
    await this.shown;
    if (this.notable.length > 0) console.log(['', ...this.notable].join('\n'));
    console.log(`\n${formatRecap(outcome.recap)}`);
  }
}
