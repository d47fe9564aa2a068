// lab:open serves only while its lab is there: destroyed under it (lab:destroy from another
// terminal), it would answer every request with an error on a port the user forgot. `ended`
// resolves with why the lab is gone: its state record went, or the connector lost its way in
// (the namespace provider's forwarder ended: lab:destroy ends every process of the lab's
// namespaces) and the record went within a few seconds after; a forwarder that ended while the lab
// is still there is said as itself.

export interface LabWatch {
  ended: Promise<string>;
  dispose(): void;
}

export function watchLab(options: {
  /** whether the lab's state still says it is up; an unreadable state counts as up */
  stillUp(): boolean;
  /** e.g. `lab "swap" was destroyed (no state in /x/.lab)` */
  destroyed: string;
  /** resolves when the connector can no longer reach the lab, with why */
  connectorLost?: Promise<string>;
  pollMs?: number;
  /** how long a lost connector waits for the state to go before it is said as the reason */
  settleMs?: number;
}): LabWatch {
  const pollMs = options.pollMs ?? 1000;
  const settleMs = options.settleMs ?? 5000;
  const timers = new Set<NodeJS.Timeout>();
  let disposed = false;
  const ended = new Promise<string>((resolve) => {
    const poll = setInterval(() => {
      if (!options.stillUp()) resolve(options.destroyed);
    }, pollMs);
    timers.add(poll);
    void options.connectorLost?.then((why) => {
      if (disposed) return;
      const since = Date.now();
      const settle = setInterval(() => {
        if (!options.stillUp()) resolve(options.destroyed);
        else if (Date.now() - since >= settleMs) resolve(why);
      }, 100);
      timers.add(settle);
    });
  });
  void ended.then(() => dispose());
  function dispose(): void {
    disposed = true;
    for (const timer of timers) clearInterval(timer);
    timers.clear();
  }
  return { ended, dispose };
}
