// Ctrl-C (SIGINT) or SIGTERM as a promise, so a long command can stop at a point of its
// choosing and clean up instead of dying where it stands.
export interface Interruption {
  /** resolves with the signal's name when one arrives */
  signal: Promise<NodeJS.Signals>;
  /** stops listening; a later signal kills the process as usual */
  dispose(): void;
}

export function interruption(): Interruption {
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    handler = (name) => resolve(name);
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
  return {
    signal,
    dispose() {
      if (!handler) return;
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      handler = undefined;
    },
  };
}
