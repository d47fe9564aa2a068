// Per-host tallies and the PLAY RECAP lines in Ansible's form.
import type { TaskStatus } from './task.ts';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
}

export const emptyStats = (): HostStats => ({ ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0 });

export function count(stats: HostStats, status: TaskStatus): void {
  // As Ansible does, ok counts every task that succeeded, the changed ones included.
  stats[status] += 1;
  if (status === 'changed') stats.ok += 1;
}

export function formatRecap(recap: Map<string, HostStats>): string {
  const width = Math.max(...[...recap.keys()].map((h) => h.length), 10) + 1;
  const lines = [...recap].map(
    ([host, s]) =>
      `${host.padEnd(width)}: ${`ok=${s.ok}`.padEnd(8)} ${`changed=${s.changed}`.padEnd(11)} ${`unreachable=${s.unreachable}`.padEnd(15)} ${`failed=${s.failed}`.padEnd(10)} skipped=${s.skipped}`,
  );
  return ['PLAY RECAP', ...lines].join('\n');
}

export function recapSucceeded(recap: Map<string, HostStats>): boolean {
  return [...recap.values()].every((s) => s.failed === 0 && s.unreachable === 0);
}
