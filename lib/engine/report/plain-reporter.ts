// Plain lines as results arrive: for pipes, CI logs and --verbose.
import { formatRecap } from '../recap.ts';
import type { PlayEvent, PlayOutcome } from '../run-play.ts';
import { formatResult, formatUnreachable } from './format-result.ts';
import type { PlayReporter, ReportOptions } from './reporter.ts';

export class PlainReporter implements PlayReporter {
  constructor(
    private readonly options: ReportOptions,
    private readonly write: (line: string) => void = (line) => console.log(line),
  ) {}

  onEvent(event: PlayEvent): void {
    if (event.type === 'task-result') for (const line of formatResult(event, this.options)) this.write(line);
    if (event.type === 'host-unreachable') this.write(formatUnreachable(event));
  }

  finish(outcome: PlayOutcome): void {
    this.write('');
    this.write(formatRecap(outcome.recap));
  }
}
