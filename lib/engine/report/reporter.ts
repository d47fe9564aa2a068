// How a play's progress reaches the user: a reporter takes the runner's events and, at the end,
// the outcome. Three exist: listr2 on a terminal, plain lines otherwise, JSON lines with --json.
import type { PlayEvent, PlayOutcome } from '../run-play.ts';

export interface PlayReporter {
  onEvent(event: PlayEvent): void;
  /** called once, after the last event */
  finish(outcome: PlayOutcome): Promise<void> | void;
}

export interface ReportOptions {
  verbose: boolean;
  diff: boolean;
  check: boolean;
}
