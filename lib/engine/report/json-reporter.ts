// --json: one JSON object per line on stdout, for scripts; the recap is the last one.
import type { PlayEvent, PlayOutcome } from '../run-play.ts';
import type { PlayReporter } from './reporter.ts';

export class JsonReporter implements PlayReporter {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  onEvent(event: PlayEvent): void {
    if (event.type === 'task-result') {
      const { host, role, task, handler, result } = event;
      this.write(JSON.stringify({ event: 'task', host, role, task, handler, ...result }));
    } else if (event.type === 'host-unreachable') {
      this.write(JSON.stringify({ event: 'unreachable', host: event.host, message: event.message }));
    }
  }

  finish(outcome: PlayOutcome): void {
    const hosts = Object.fromEntries(
      [...outcome.recap].map(([host, stats]) => [host, { ...stats, connections: outcome.connections.get(host) ?? 0 }]),
    );
    this.write(JSON.stringify({ event: 'recap', hosts }));
  }
}
