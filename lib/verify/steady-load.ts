// Requests at a steady pace while a check breaks something, to measure what a user would see:
// each sample is the time it was sent and whether the site answered.
import type { PageServer } from '../../roles/nginx/page-server.ts';
import type { LanClient } from './transport/lan-client.ts';
import type { Speaker, Words } from '../said.ts';

export interface Sample {
  /** seconds since the load started */
  at: number;
  /** seconds until the answer came or the client gave up */
  took: number;
  ok: boolean;
  server?: string;
  /** the balancer the client's packets for the VIP went to (V8, V9: its ARP entry then) */
  via?: string;
}

export interface Outage {
  /** seconds without an answer, from the first failed request to the next good one */
  seconds: number;
  failed: number;
  total: number;
}

export function outageOf(samples: Sample[]): Outage {
  const firstFail = samples.findIndex((s) => !s.ok);
  const failed = samples.filter((s) => !s.ok).length;
  if (firstFail === -1) return { seconds: 0, failed: 0, total: samples.length };
  const recovered = samples.slice(firstFail).find((s) => s.ok);
  const end = recovered?.at ?? samples[samples.length - 1]!.at;
  return { seconds: end - samples[firstFail]!.at, failed, total: samples.length };
}

/** Requests during a check, with the moments that matter (power off, takeover…) marked. */
export interface Timeline {
  samples: Sample[];
  events: TimelineEvent[];
  /** what held when, beside the requests: "haproxy2 holds the VIP" from 6.1 s to 21.3 s (V8, V9) */
  lanes?: TimelineLane[];
}

export interface TimelineLane {
  label: Words;
  /** [from, to) in seconds since the load started */
  spans: Array<[number, number]>;
}

export interface TimelineEvent {
  /** seconds since the load started */
  at: number;
  label: Words;
}

/** "3 of 10 requests failed" ("3 de 10 peticiones fallaron"). */
export function failedOf(failed: number, total: number, say: Speaker): Words {
  return say(
    `${failed} of ${total} requests failed`,
    `${failed} de ${total} ${total === 1 ? 'petición' : 'peticiones'} ${failed === 1 ? 'falló' : 'fallaron'}`,
  );
}

/** The requests that failed among some samples, in words. */
export function failedAmong(samples: readonly Sample[], say: Speaker): Words {
  return failedOf(samples.filter((s) => !s.ok).length, samples.length, say);
}

/** A power moment's words, as the timeline marks it: "web2 powered off". */
export function powered(host: string, on: boolean, say: Speaker): Words {
  return on ? say(`${host} powered on`, `${host} encendido`) : say(`${host} powered off`, `${host} apagado`);
}

/**
 * Runs a power operation under load and marks the moment it returned: the machine is surely off
 * (or booted) by then, and the figures of the check count from there. On the Vagrant providers
 * the command itself takes seconds; the label says how long, so no figure hides it.
 */
export async function markPower(
  load: Pick<RunningLoad, 'now'>,
  label: Words,
  operation: () => Promise<void>,
  say: Speaker,
): Promise<TimelineEvent & { tookSeconds: number }> {
  const began = load.now();
  await operation();
  const at = load.now();
  const tookSeconds = at - began;
  return {
    at,
    tookSeconds,
    label:
      tookSeconds >= 0.5
        ? say(
            `${label} (the command took ${tookSeconds.toFixed(1)} s)`,
            `${label} (la orden tardó ${tookSeconds.toFixed(1)} s)`,
          )
        : label,
  };
}

/**
 * One request every intervalMs; timeoutMs: how long one may take before it counts as failed.
 * A client that throws (a program missing) ends the load: stop() then rejects with its error,
 * and the loop itself never rejects, so a check that throws before stop() leaves no unhandled error.
 */
export interface RunningLoad {
  /** the requests so far */
  samples: Sample[];
  /** seconds since the load started */
  now(): number;
  stop(): Promise<Sample[]>;
}

/** A request counts as answered when its body is a web server's page (serverOf). */
export function startLoad(client: LanClient, serverOf: PageServer, intervalMs = 100, timeoutMs = 500): RunningLoad {
  const samples: Sample[] = [];
  const start = performance.now();
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      const sent = performance.now();
      let answer;
      try {
        answer = await client.get({ timeoutMs });
      } catch (error) {
        failure = error;
        running = false;
        break;
      }
      const server = answer?.status === 200 ? serverOf(answer.body) : undefined;
      samples.push({
        at: (sent - start) / 1000,
        took: (performance.now() - sent) / 1000,
        ok: server !== undefined,
        ...(server ? { server } : {}),
      });
      const wait = intervalMs - (performance.now() - sent);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    samples,
    now: () => (performance.now() - start) / 1000,
    async stop() {
      running = false;
      await loop;
      if (failure !== undefined) throw failure;
      return samples;
    },
  };
}

/**
 * Runs `during` under steady load; the load ends when it does, also when it throws, so a check
 * that fails midway leaves no requests running. The samples are every request of the load.
 */
export async function underLoad<T>(
  client: LanClient,
  serverOf: PageServer,
  load: { intervalMs?: number; timeoutMs?: number },
  during: (load: RunningLoad) => Promise<T>,
): Promise<T & { all: Sample[] }> {
  const running = startLoad(client, serverOf, load.intervalMs, load.timeoutMs);
  try {
    const value = await during(running);
    return { ...value, all: await running.stop() };
  } finally {
    await running.stop().catch(() => undefined);
  }
}

export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  pollMs = 100,
): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await check()) return (performance.now() - start) / 1000;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return undefined;
}
