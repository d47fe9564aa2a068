// Asks every balancer at once, every pollMs, whether it holds the VIP, and the LAN client where
// its packets for the VIP go, until stopped: the readings V8 and V9 read their figures from
// (vip-history.ts). Unlike vipHolder, which names a holder only when it is the only one, it
// says who the holders are.
import { balancers } from '../lab/model.ts';
import type { VerifyContext } from './check.ts';
import type { VipReading } from './vip-history.ts';

export interface VipWatch {
  readings: VipReading[];
  stop(): Promise<VipReading[]>;
}

export function watchVip(
  ctx: Pick<VerifyContext, 'lab' | 'machines' | 'client'>,
  now: () => number,
  pollMs = 250,
): VipWatch {
  const readings: VipReading[] = [];
  const hosts = balancers(ctx.lab).map((h) => h.name);
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const at = now();
      const [held, clientMac] = await Promise.all([
        Promise.all(hosts.map((host) => ctx.machines.holds(host, ctx.lab.vip.address))),
        ctx.client.vipMac().catch(() => undefined),
      ]);
      readings.push({ at, holders: hosts.filter((_, i) => held[i]), ...(clientMac ? { clientMac } : {}) });
      const wait = pollMs - (performance.now() - started);
      if (running && wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    readings,
    async stop() {
      running = false;
      await loop;
      return readings;
    },
  };
}
