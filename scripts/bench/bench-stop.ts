// The bench runs for minutes with a lab of its own up and the host prepared for it: whatever ends
// it (its end, a failure, Ctrl-C, SIGTERM, the npm run that started it ending) its clean-up runs,
// once, and the process ends only after it. At a stop the step that makes or removes the lab's
// machines under way (an up, a power switch) ends first, no other starts, then the lab goes: a
// destroy never races an up. A second signal does not cut that short (a half-destroyed lab would
// be left): it is answered with a line, and the clean-up goes on.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launcherEnded } from '../../lib/cli/interruption.ts';

const CHILD = 'HAFARM_BENCH_CHILD';

/**
 * npm runs the benches with tsx's command line, which passes a signal on to the script and, unless
 * the script says it heard it within 30 ms, ends it with SIGKILL: a bench's event loop is busy that
 * long at times (a package loaded on first use), and a bench killed so leaves its lab up. So the
 * bench runs in a child of its own, under `node --import tsx` (no such relay), in a process group
 * of its own: this process passes each signal on, once, and ends as the child ends. With several
 * runs (one per provider) the children run one after another, each with its own arguments, and
 * `after` runs once they all succeeded; the first that fails or is stopped ends it all. True in
 * this process, which then has nothing more to do; false in a child, which runs the bench.
 */
export function benchInChild(
  script: string | URL,
  runs: ReadonlyArray<readonly string[]> = [process.argv.slice(2)],
  after: () => void = () => undefined,
): boolean {
  if (process.env[CHILD] === '1') return false;
  let current: ReturnType<typeof spawn> | undefined;
  for (const signal of STOP_SIGNALS) process.on(signal, () => current?.kill(signal));
  const next = (index: number): void => {
    if (index === runs.length) {
      after();
      process.exit(0);
    }
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), fileURLToPath(script), ...runs[index]!],
      {
        stdio: 'inherit',
        detached: true,
        env: { ...process.env, [CHILD]: '1' },
      },
    );
    current = child;
    child.on('exit', (code, signal) => {
      if (code === 0) return next(index + 1);
      process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
    child.on('error', (error) => {
      console.error(`${fileURLToPath(script)}: cannot start: ${error.message}`);
      process.exit(1);
    });
  };
  next(0);
  return true;
}

/** Thrown into the bench's waits and its host steps once it is stopping. */
export class BenchStopped extends Error {
  override name = 'BenchStopped';
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export interface BenchStop {
  readonly stopping: boolean;
  /** runs a step that makes or removes host resources (machines, networks); BenchStopped once stopping */
  hostStep<T>(step: () => Promise<T>): Promise<T>;
  /** the object with these methods run as host steps, e.g. a provider's up, destroy and power switches */
  guard<T extends object>(target: T, methods: ReadonlyArray<keyof T & string>): T;
  /** a pause; BenchStopped as soon as the bench is stopping */
  sleep(ms: number): Promise<void>;
  /**
   * Runs the bench, then `cleanUp`, once, also at a stop (which then ends the process: exit 130
   * at SIGINT, 143 at SIGTERM, 1 when npm ended). A failure is one line and exit status 1.
   */
  run(body: () => Promise<void>, cleanUp: () => Promise<void>): Promise<void>;
}

/**
 * `name`: the bench's, in its lines; `leaves`: what its clean-up removes, e.g. "its lab".
 */
export function benchStop(
  name: string,
  leaves = 'its lab',
  say: (line: string) => void = (line) => console.error(line),
): BenchStop {
  let stopping = false;
  let stopped: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (stopped = resolve));
  const inFlight = new Set<Promise<unknown>>();

  const hostStep = <T>(step: () => Promise<T>): Promise<T> => {
    if (stopping) return Promise.reject(new BenchStopped(`${name} is stopping`));
    const running = step();
    inFlight.add(running);
    const forget = () => inFlight.delete(running);
    running.then(forget, forget);
    return running;
  };

  return {
    get stopping() {
      return stopping;
    },
    hostStep,
    guard(target, methods) {
      return new Proxy(target, {
        get(object, key, receiver) {
          const value: unknown = Reflect.get(object, key, receiver);
          if (typeof value !== 'function') return value;
          const bound = (value as (...args: unknown[]) => unknown).bind(object);
          return (methods as readonly (string | symbol)[]).includes(key)
            ? (...args: unknown[]) => hostStep(() => bound(...args) as Promise<unknown>)
            : bound;
        },
      });
    },
    sleep(ms) {
      if (stopping) return Promise.reject(new BenchStopped(`${name} is stopping`));
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        void stopSignal.then(() => {
          clearTimeout(timer);
          reject(new BenchStopped(`${name} is stopping`));
        });
      });
    },
    async run(body, cleanUp) {
      let cleaning: Promise<void> | undefined;
      const cleanOnce = () =>
        (cleaning ??= cleanUp().catch((error: unknown) =>
          say(`${name}: cleaning up failed: ${(error as Error).message}`),
        ));
      const stop = async (why: string, exitCode: number) => {
        if (stopping) {
          say(`${name}: ${why}: still removing ${leaves}; it ends once that is done`);
          return;
        }
        stopping = true;
        stopped();
        // The work under way fails as its sshd or machines go (an SSH client whose connection
        // dropped mid-handshake throws from an event): that is the stop, not news, and must not
        // end the process before its clean-up.
        process.on('uncaughtException', () => undefined);
        const waiting = inFlight.size > 0 ? ' once the step under way ends' : '';
        say(`\n${name}: ${why}: stopping; removing ${leaves}${waiting} (another signal does not interrupt that)`);
        await Promise.allSettled([...inFlight]);
        await cleanOnce();
        say(`${name}: stopped; removed ${leaves}`);
        process.exit(exitCode);
      };
      const onSignal = (signal: NodeJS.Signals) => void stop(signal, SIGNAL_EXIT[signal] ?? 1);
      for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
      const launcher = launcherEnded();
      void launcher.ended.then((why) => stop(why, 1));
      // Run by benchInChild: the process that passes signals on is gone (killed), so none will come.
      const parent = process.ppid;
      const orphaned = setInterval(() => {
        if (process.env[CHILD] !== '1' || process.ppid === parent) return;
        clearInterval(orphaned);
        void stop(`the process that started it (pid ${parent}) ended`, 1);
      }, 500);
      orphaned.unref();
      let failure: Error | undefined;
      try {
        await body();
      } catch (error) {
        failure = error as Error;
      }
      // Ctrl-C reaches the bench's commands too: one that fails of it fails the bench just before
      // the bench hears the signal itself. The signal's stop has the last word.
      if (failure) await new Promise((resolve) => setTimeout(resolve, 200));
      if (stopping) return new Promise<void>(() => undefined);
      if (failure) {
        say(`${name} failed: ${failure.message}`);
        process.exitCode = 1;
      }
      await cleanOnce();
      launcher.dispose();
      clearInterval(orphaned);
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    },
  };
}
