// --profile: how long each task took on each host and each host in all, slowest first, as
// Ansible's profile_tasks callback prints them; a host's connection and facts count as a task of
// their own (the runner reports no event between them).
// The times are taken as the runner's events arrive (it emits them as things happen).
import type { PlayEvent, PlayOutcome } from '../run-play.ts';
import type { PlayReporter } from './reporter.ts';

export interface TimedTask {
  host: string;
  role: string;
  task: string;
  handler: boolean;
  seconds: number;
}

export interface PlayProfile {
  tasks: TimedTask[];
  hosts: Array<{ host: string; seconds: number }>;
}

export class PlayProfiler {
  private readonly hostStart = new Map<string, number>();
  private readonly taskStart = new Map<string, number>();
  private readonly tasks: TimedTask[] = [];
  private readonly hosts: Array<{ host: string; seconds: number }> = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  onEvent(event: PlayEvent): void {
    const at = this.now();
    switch (event.type) {
      case 'host-start':
        this.hostStart.set(event.host, at);
        return;
      case 'task-start':
        // Until its first task, a host is connecting and gathering its facts.
        if (!this.taskStart.has(event.host) && this.hostStart.has(event.host))
          this.tasks.push({
            host: event.host,
            role: 'facts',
            task: 'connect and gather facts',
            handler: false,
            seconds: (at - this.hostStart.get(event.host)!) / 1000,
          });
        this.taskStart.set(event.host, at);
        return;
      case 'task-result': {
        const started = this.taskStart.get(event.host);
        if (started !== undefined)
          this.tasks.push({
            host: event.host,
            role: event.role,
            task: event.task,
            handler: event.handler,
            seconds: (at - started) / 1000,
          });
        return;
      }
      case 'host-done': {
        const started = this.hostStart.get(event.host);
        if (started !== undefined) this.hosts.push({ host: event.host, seconds: (at - started) / 1000 });
        return;
      }
      default:
    }
  }

  profile(): PlayProfile {
    const slowest = <T extends { seconds: number }>(list: T[]) => [...list].sort((a, b) => b.seconds - a.seconds);
    return { tasks: slowest(this.tasks), hosts: slowest(this.hosts) };
  }
}

/** The profile in lines: the `top` slowest tasks, then every host. */
export function formatProfile(profile: PlayProfile, top = 20): string[] {
  const shown = profile.tasks.slice(0, top);
  const name = (t: TimedTask) => `${t.host}  ${t.handler ? 'handler' : t.role} : ${t.task}`;
  const width = Math.min(90, Math.max(0, ...shown.map((t) => name(t).length)));
  return [
    '',
    `PROFILE (slowest first; ${shown.length} of ${profile.tasks.length} tasks)`,
    ...shown.map((t) => `${name(t).slice(0, width).padEnd(width, ' ')}  ${t.seconds.toFixed(2).padStart(7)} s`),
    `hosts: ${profile.hosts.map((h) => `${h.host} ${h.seconds.toFixed(2)} s`).join(', ') || 'none'}`,
  ];
}

/**
 * A reporter with a profile at its end: every event goes on to the reporter it wraps; the
 * profile follows its recap, or in JSON comes as one more object ("event": "profile") before it.
 */
export class ProfilingReporter implements PlayReporter {
  private readonly profiler: PlayProfiler;

  constructor(
    private readonly inner: PlayReporter,
    private readonly output: { json: boolean; write(line: string): void },
    now?: () => number,
  ) {
    this.profiler = new PlayProfiler(now);
  }

  onEvent(event: PlayEvent): void {
    this.profiler.onEvent(event);
    this.inner.onEvent(event);
  }

  async finish(outcome: PlayOutcome): Promise<void> {
    const profile = this.profiler.profile();
    if (this.output.json) this.output.write(JSON.stringify({ event: 'profile', ...profile }));
    await this.inner.finish(outcome);
    if (!this.output.json) for (const line of formatProfile(profile)) this.output.write(line);
  }
}
