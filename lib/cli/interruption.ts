// Ctrl-C (SIGINT) or SIGTERM as a promise, so a long command can stop at a point of its
// choosing and clean up instead of dying where it stands. A second signal is not caught: it
// ends the process at once, for a user who will not wait for the clean-up.
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
