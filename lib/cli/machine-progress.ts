// One listr2 task per machine, fed by the provider's MachineEvents. listr2 picks its plain
// renderer by itself when stdout is not a terminal (CI, pipes).
import { requireOnFirstUse } from '../load-on-first-use.ts';
import type { MachineEvent } from '../providers/provider.ts';

const listr2 = requireOnFirstUse<typeof import('listr2')>('listr2');

interface Waiter {
  settle(error?: Error): void;
  output?: (text: string) => void;
}

/** Runs `work` (which emits events) while showing per-machine progress; resolves when both end. */
export async function withMachineProgress(
  hosts: string[],
  verb: string,
  work: (onEvent: (e: MachineEvent) => void) => Promise<void>,
): Promise<void> {
  const waiters = new Map<string, Waiter>();
  const settled = new Map<string, Error | null>();
  const settle = (host: string, error?: Error) => {
    if (settled.has(host)) return;
    settled.set(host, error ?? null);
    waiters.get(host)?.settle(error);
  };
  const list = new (listr2().Listr)(
    hosts.map((host) => ({
      title: `${verb} ${host}`,
      task: (_ctx: unknown, task: { output: string }) =>
        new Promise<void>((resolve, reject) => {
          const early = settled.get(host);
          if (early !== undefined) return early ? reject(early) : resolve();
          waiters.set(host, {
            settle: (error) => (error ? reject(error) : resolve()),
            output: (text) => (task.output = text),
          });
        }),
    })),
    { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false } },
  );
  const shown = list.run().catch(() => undefined);
  try {
    await work((event) => {
      if (event.kind === 'progress') waiters.get(event.host)?.output?.(event.text);
      else settle(event.host, event.kind === 'failed' ? new Error(event.text) : undefined);
    });
    for (const host of hosts) settle(host);
  } catch (error) {
    for (const host of hosts) settle(host, error as Error);
    await shown;
    throw error;
  }
  await shown;
}
