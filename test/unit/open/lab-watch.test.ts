// lab:open's watch on its lab (issue 27, class 10): it ends when the lab's state goes, or when the
// connector's forwarder ends and the state goes soon after (lab:destroy kills the forwarder first);
// a forwarder that ends while the lab is still there is said as itself.
import { describe, expect, it } from 'vitest';
import { watchLab } from '../../../lib/open/lab-watch.ts';

const DESTROYED = 'lab "swap" was destroyed';

describe('watchLab', () => {
  it('ends when the state says the lab is gone', async () => {
    let up = true;
    const watch = watchLab({ stillUp: () => up, destroyed: DESTROYED, pollMs: 10 });
    setTimeout(() => (up = false), 50);
    expect(await watch.ended).toBe(DESTROYED);
  });

  it('says the lab was destroyed when the state goes soon after the forwarder ended', async () => {
    let up = true;
    const lost = new Promise<string>((resolve) => setTimeout(() => resolve('the forwarder ended (SIGKILL)'), 20));
    const watch = watchLab({
      stillUp: () => up,
      destroyed: DESTROYED,
      connectorLost: lost,
      pollMs: 60_000,
      settleMs: 2000,
    });
    setTimeout(() => (up = false), 200);
    expect(await watch.ended).toBe(DESTROYED);
  });

  it("says the forwarder's end when the lab stays", async () => {
    const lost = Promise.resolve('the forwarder ended (exit 1): boom');
    const watch = watchLab({
      stillUp: () => true,
      destroyed: DESTROYED,
      connectorLost: lost,
      pollMs: 60_000,
      settleMs: 100,
    });
    expect(await watch.ended).toBe('the forwarder ended (exit 1): boom');
  });

  it('stops watching when disposed: its timers keep nothing alive', async () => {
    const watch = watchLab({ stillUp: () => true, destroyed: DESTROYED, pollMs: 10 });
    watch.dispose();
    const outcome = await Promise.race([watch.ended, new Promise((r) => setTimeout(() => r('still'), 50))]);
    expect(outcome).toBe('still');
  });
});
