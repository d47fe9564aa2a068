// One line per task result, in the spirit of Ansible's "changed: [web1]" lines, plus the diff.
import type { PlayEvent } from '../run-play.ts';
import type { ReportOptions } from './reporter.ts';

type ResultEvent = Extract<PlayEvent, { type: 'task-result' }>;

export function formatResult(event: ResultEvent, options: ReportOptions): string[] {
  const { status, message, diff } = event.result;
  const kind = event.handler ? 'handler' : event.role;
  const head = `${status}: [${event.host}] ${kind} : ${event.task}`;
  const showMessage = message && (status !== 'ok' || options.verbose);
  const lines = [showMessage ? `${head} — ${message.split('\n')[0]}` : head];
  if (message && status === 'failed')
    lines.push(
      ...message
        .split('\n')
        .slice(1)
        .map((l) => `    ${l}`),
    );
  if (diff && options.diff && status === 'changed') lines.push(...diff.split('\n').map((l) => `    ${l}`));
  return lines;
}

export function formatUnreachable(event: Extract<PlayEvent, { type: 'host-unreachable' }>): string {
  return `unreachable: [${event.host}] ${event.message}`;
}

/** A result worth printing after the live view: anything but a quiet ok. */
export function isNotable(event: ResultEvent, options: ReportOptions): boolean {
  return options.verbose || event.result.status === 'changed' || event.result.status === 'failed';
}
