// Ctrl-C (SIGINT) or SIGTERM as a promise, so a long command can stop at a point of its
// choosing and clean up instead of dying where it stands. A second signal is not caught: it
// ends the process at once, for a user who will not wait for the clean-up. And, for a command
// npm ran, the end of npm (or of the shell between), which is all a signal sent to npm does.
import { readFileSync } from 'node:fs';

export interface Interruption {
  /** resolves with the signal's name when one arrives */
  signal: Promise<NodeJS.Signals>;
  /** stops listening; a later signal kills the process as usual */
  dispose(): void;
}

export function interruption(): Interruption {
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  let caught = false;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    handler = (name) => {
      if (!caught) {
        caught = true;
        return resolve(name);
      }
      dispose();
      process.kill(process.pid, name);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
  function dispose(): void {
    if (!handler) return;
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    handler = undefined;
  }
  return { signal, dispose };
}

/**
 * `npm run` passes a signal on to the shell it ran the script in, and that shell ends without
 * passing it further (dash, Debian's sh): the command itself is left running, orphaned, and never
 * hears of it. `ended` resolves, with which process ended, once any process from this one's parent
 * up to the npm that ran it (npm included) has ended, so that the command can stop as the signal
 * asked. Nothing is watched when npm did not start the command (no npm among its ancestors).
 */
export interface LauncherWatch {
  ended: Promise<string>;
  dispose(): void;
}

interface ProcessStat {
  comm: string;
  state: string;
  ppid: number;
  start: string;
}

function processStat(pid: number): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, close),
      state: fields[0]!,
      ppid: Number(fields[1]),
      start: fields[19]!,
    };
  } catch {
    return undefined;
  }
}

/** npm's process names itself after what it runs: "npm run lab:open", "npm exec …". */
const isNpm = (comm: string) => /^npm( |$)/.test(comm);

/** The processes from the parent up to the npm that ran this one, npm included; none when npm is not among them. */
export function launcherChain(): Array<{ pid: number } & ProcessStat> {
  if (process.platform !== 'linux' || process.env.npm_lifecycle_event === undefined) return [];
  const chain: Array<{ pid: number } & ProcessStat> = [];
  for (let pid = process.ppid; pid > 1 && chain.length < 8;) {
    const stat = processStat(pid);
    if (!stat) return [];
    chain.push({ pid, ...stat });
    if (isNpm(stat.comm)) return chain;
    pid = stat.ppid;
  }
  return [];
}

/**
 * npm's own words for what it runs, e.g. "npm run lab:open": its process title (which the kernel's
 * name cuts at 15 characters) to the script's name, without the script's arguments.
 */
function titleOf(pid: number, comm: string): string {
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]!.trim();
    return title.split(/\s+/).slice(0, 3).join(' ') || comm;
  } catch {
    return comm;
  }
}

export function launcherEnded(pollMs = 500): LauncherWatch {
  const chain = launcherChain();
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<string>((resolve) => {
    if (chain.length === 0) return;
    const npm = titleOf(chain.at(-1)!.pid, chain.at(-1)!.comm);
    timer = setInterval(() => {
      for (const link of chain) {
        const now = processStat(link.pid);
        // gone, a zombie nobody reaped, or its PID reused by another process
        if (!now || now.state === 'Z' || now.state === 'X' || now.start !== link.start) {
          clearInterval(timer);
          return resolve(`the ${npm} that started it has ended (${link.comm}, pid ${link.pid})`);
        }
      }
    }, pollMs);
    timer.unref();
  });
  return { ended, dispose: () => clearInterval(timer) };
}
