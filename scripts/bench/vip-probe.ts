// Requests to the site through the VIP at a fine, steady pace while the bench pulls a plug: each
// sample is when a request was sent (epoch ms) and whether it was answered. Failover is the
// first answered request after the outage began; failback's lost requests are those that failed.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { hostTool } from '../../lib/providers/host-tools.ts';
import type { Lab } from '../../lib/lab/model.ts';
import { startLoad } from '../../lib/verify/steady-load.ts';
import type { LanClient } from '../../lib/verify/transport/lan-client.ts';

export interface ProbeSample {
  /** epoch milliseconds, the clock of performance.timeOrigin + performance.now() */
  sent: number;
  ok: boolean;
}

export interface VipProbe {
  /** the requests that ended so far */
  samples: ProbeSample[];
  stop(): Promise<void>;
}

/** How long a request of either probe may take before it counts as failed. */
export const PROBE_TIMEOUT_MS = 1000;
const EVERY_MS = 10;
export const NAMESPACE_PROBE = `a new connection every ${EVERY_MS} ms from the client namespace, ${PROBE_TIMEOUT_MS / 1000} s to answer`;
export const CLIENT_PROBE = `the lab's LAN client, one request after the other, ${PROBE_TIMEOUT_MS / 1000} s to answer`;

export const epochMs = () => performance.timeOrigin + performance.now();

const PROBER = fileURLToPath(new URL('./vip-prober.mjs', import.meta.url));

/** NAMESPACE_PROBE: a node process inside the client namespace. */
export function namespaceProbe(lab: Lab, namespace: string): VipProbe {
  const child = spawn(
    hostTool('ip'),
    [
      'netns',
      'exec',
      namespace,
      process.execPath,
      PROBER,
      lab.vip.address,
      String(lab.haproxy.port),
      lab.vip.name,
      String(EVERY_MS),
      String(PROBE_TIMEOUT_MS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const samples: ProbeSample[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [sent, ok] = line.split(' ');
    samples.push({ sent: Number(sent), ok: ok === '1' });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    samples,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CLIENT_PROBE, where the bench cannot run node beside the LAN (the Vagrant providers). */
export function clientProbe(client: LanClient): VipProbe {
  const began = epochMs();
  const load = startLoad(client, () => 'web', 20, PROBE_TIMEOUT_MS);
  return {
    get samples() {
      return load.samples.map((s) => ({ sent: began + s.at * 1000, ok: s.ok }));
    },
    async stop() {
      await load.stop();
    },
  };
}

/**
 * Seconds from `from` (epoch ms) to the first answered request sent after the first request
 * that failed since then; 0 when none failed; undefined when none was answered after.
 */
export function outageSeconds(samples: ProbeSample[], from: number): number | undefined {
  const after = samples.filter((s) => s.sent >= from).sort((a, b) => a.sent - b.sent);
  const firstFail = after.findIndex((s) => !s.ok);
  if (firstFail === -1) return 0;
  const back = after.slice(firstFail).find((s) => s.ok);
  return back === undefined ? undefined : (back.sent - from) / 1000;
}

/** Requests sent in [from, to) that failed, of how many. */
export function lostIn(samples: ProbeSample[], from: number, to: number): { failed: number; total: number } {
  const window = samples.filter((s) => s.sent >= from && s.sent < to);
  return { failed: window.filter((s) => !s.ok).length, total: window.length };
}

/** min / median / max of a list of figures, as the bench prints them. */
export function spread(values: number[], digits = 2): string {
  if (values.length === 0) return '–';
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return `${sorted[0]!.toFixed(digits)} / ${median.toFixed(digits)} / ${sorted[sorted.length - 1]!.toFixed(digits)}`;
}
