// --profile (issue 19, item 4): each task's time on each host, a host's facts as a task of their
// own, every host's total, slowest first; after the recap in text, before it in JSON.
import { describe, expect, it } from 'vitest';
import { formatProfile, PlayProfiler, ProfilingReporter } from '../../../lib/engine/report/play-profile.ts';
import type { PlayEvent } from '../../../lib/engine/run-play.ts';

const ok = { status: 'ok' } as const;
/** The events of two hosts, with the clock at each (ms). */
const STORY: Array<[number, PlayEvent]> = [
  [0, { type: 'host-start', host: 'web1' }],
  [0, { type: 'host-start', host: 'haproxy1' }],
  [40, { type: 'task-start', host: 'web1', role: 'nginx', task: 'T10 install nginx', handler: false }],
  [90, { type: 'task-start', host: 'haproxy1', role: 'heartbeat', task: 'T4 install heartbeat', handler: false }],
  [1040, { type: 'task-result', host: 'web1', role: 'nginx', task: 'T10 install nginx', handler: false, result: ok }],
  [
    3090,
    {
      type: 'task-result',
      host: 'haproxy1',
      role: 'heartbeat',
      task: 'T4 install heartbeat',
      handler: false,
      result: ok,
    },
  ],
  [3100, { type: 'task-start', host: 'haproxy1', role: 'heartbeat', task: 'restart heartbeat', handler: true }],
  [
    3600,
    { type: 'task-result', host: 'haproxy1', role: 'heartbeat', task: 'restart heartbeat', handler: true, result: ok },
  ],
  [
    1100,
    {
      type: 'host-done',
      host: 'web1',
      stats: { ok: 1, changed: 0, failed: 0, skipped: 0, unreachable: 0 },
      connections: 1,
    } as PlayEvent,
  ],
  [
    3650,
    {
      type: 'host-done',
      host: 'haproxy1',
      stats: { ok: 2, changed: 0, failed: 0, skipped: 0, unreachable: 0 },
      connections: 1,
    } as PlayEvent,
  ],
];

function profiled() {
  let clock = 0;
  const profiler = new PlayProfiler(() => clock);
  for (const [at, event] of STORY) {
    clock = at;
    profiler.onEvent(event);
  }
  return profiler.profile();
}

describe('the profile of a play', () => {
  it('times every task from its start to its result, facts included, slowest first, and each host in all', () => {
    const profile = profiled();
    expect(profile.tasks.map((t) => `${t.host} ${t.task} ${t.seconds}`)).toEqual([
      'haproxy1 T4 install heartbeat 3',
      'web1 T10 install nginx 1',
      'haproxy1 restart heartbeat 0.5',
      'haproxy1 connect and gather facts 0.09',
      'web1 connect and gather facts 0.04',
    ]);
    expect(profile.hosts).toEqual([
      { host: 'haproxy1', seconds: 3.65 },
      { host: 'web1', seconds: 1.1 },
    ]);
  });

  it("prints as Ansible's profile_tasks does: a line per task with its seconds, handlers named so, then the hosts", () => {
    const lines = formatProfile(profiled(), 3);
    expect(lines[1]).toBe('PROFILE (slowest first; 3 of 5 tasks)');
    expect(lines[2]).toMatch(/^haproxy1 {2}heartbeat : T4 install heartbeat +3\.00 s$/);
    expect(lines[4]).toMatch(/^haproxy1 {2}handler : restart heartbeat +0\.50 s$/);
    expect(lines[5]).toBe('hosts: haproxy1 3.65 s, web1 1.10 s');
  });

  it('comes after the recap in text, and as one JSON object before the recap with --json', async () => {
    for (const json of [false, true]) {
      const written: string[] = [];
      const inner = { onEvent: () => undefined, finish: () => void written.push('RECAP') };
      const reporter = new ProfilingReporter(inner, { json, write: (line) => written.push(line) }, () => 0);
      for (const [, event] of STORY) reporter.onEvent(event);
      await reporter.finish({ recap: new Map(), connections: new Map() });
      if (json) {
        expect(written).toHaveLength(2);
        expect(JSON.parse(written[0]!)).toMatchObject({
          event: 'profile',
          tasks: expect.any(Array),
          hosts: expect.any(Array),
        });
        expect(written[1]).toBe('RECAP');
      } else {
        expect(written[0]).toBe('RECAP');
        expect(written).toContain('PROFILE (slowest first; 5 of 5 tasks)');
      }
    }
  });
});
