// V9 a lossy heartbeat link: the backup's heartbeat link drops a share of its packets each way
// (30%, then 60%) for a fixed time under steady load, as a flaky switch or cable would. Nothing
// is cut, yet a run of lost announcements as long as the stack's detection time makes the
// backup take the VIP: the check counts how often the VIP moved, how long two balancers or none
// held it, and the failed requests, per setting; after each it clears the loss and waits until
// one holder is left for good, so that the next setting starts from a settled farm.
import { setTimeout as sleep } from 'node:timers/promises';
import { haStackOf } from '../../../roles/components.ts';
import { balancers, type Lab } from '../../lab/model.ts';
import type { Check } from '../check.ts';
import {
  balancerMacs,
  brokenBalancer,
  healByRestart,
  heartbeatLoss,
  markBalancerLogs,
  notReady,
  peerEvidence,
  waitHealed,
} from '../link-fault.ts';
import { pageServer } from '../../../roles/nginx/page-server.ts';
import { markPower, underLoad, type TimelineEvent } from '../steady-load.ts';
import {
  holderLanes,
  perBalancer,
  splitSpans,
  takeovers,
  throughBalancers,
  vacantSpans,
  type VipReading,
} from '../vip-history.ts';
import { watchVip } from '../vip-watch.ts';

/** The shares of packets lost, one after the other. */
export const LOSS_SETTINGS = [30, 60] as const;

/** How long each setting lasts: 30 s, or six detection times for a slow stack. */
export function lossSeconds(lab: Lab): number {
  return Math.max(30, Math.ceil(6 * haStackOf(lab).detectionSeconds(lab)));
}

/** What one setting did, from the moment the loss began until one holder was left after it. */
export interface LossOutcome {
  percent: number;
  /** the loss the provider showed on the link while it lasted */
  shown?: number;
  moves: number;
  splitSeconds: number;
  vacantSeconds: number;
  failed: number;
  total: number;
  healed?: { host: string; seconds: number };
  /** the requests by the balancer the client's packets went to: "through haproxy1: 280 answered" */
  through: string;
  /** what hafarm did when the stack stayed split after the loss was cleared */
  restart?: string;
}

export function describeOutcome(o: LossOutcome, seconds: number): string {
  const moves = `${o.moves} VIP move${o.moves === 1 ? '' : 's'}`;
  const held = [
    o.splitSeconds > 0 ? `two holders ${o.splitSeconds.toFixed(1)} s` : '',
    o.vacantSeconds > 0 ? `no holder ${o.vacantSeconds.toFixed(1)} s` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${o.percent}% loss for ${seconds} s: ${moves}${held ? ` (${held})` : ''}, ${o.failed} of ${o.total} requests failed${o.restart ? ', not healed by itself' : ''}`;
}

export const lossyHeartbeatCheck: Check = {
  id: 'V9',
  title: 'a lossy heartbeat link under steady load',
  uses: ['requests', 'captures'],
  onlyWhenAsked: true,
  changesLinks: true,
  needs: (lab) => [{ need: 'links', host: brokenBalancer(lab).name }],
  async run(ctx) {
    const { lab } = ctx;
    const broken = brokenBalancer(lab);
    const stack = haStackOf(lab);
    const problem = await notReady(ctx, broken);
    if (problem) return { passed: false, summary: problem, evidence: [] };
    const macs = await balancerMacs(ctx);
    const marks = await markBalancerLogs(ctx);
    const seconds = lossSeconds(lab);
    const loss = heartbeatLoss(ctx, broken);
    let run;
    try {
      run = await underLoad(ctx.client, pageServer(lab, ctx.adopted), {}, async (load) => {
        const watch = watchVip(ctx, load.now);
        const events: TimelineEvent[] = [];
        const windows: Array<{
          percent: number;
          from: number;
          to: number;
          shown?: number;
          healed?: { host: string; since: number };
          cleared: number;
          restart?: string;
        }> = [];
        try {
          await sleep(2000);
          for (const percent of LOSS_SETTINGS) {
            const began = await markPower(load, `${percent}% loss on ${broken.name}'s heartbeat link`, () =>
              loss.set(percent),
            );
            events.push(began);
            const shown = (await ctx.provider.links()).find(
              (l) => l.host === broken.name && l.network === 'heartbeat',
            )?.lossPercent;
            await sleep(Math.max(0, seconds * 1000 - (load.now() - began.at) * 1000));
            const cleared = await markPower(load, 'loss cleared', () => loss.set(0));
            events.push(cleared);
            const byItself = await waitHealed(lab, load, watch.readings, cleared.at);
            // A stack that stays split after the loss is a finding of V9, and the farm is put back for the next setting.
            const restart = byItself ? undefined : await healByRestart(ctx, broken, load, watch.readings);
            const healed = byItself ?? restart?.healed;
            if (healed)
              events.push({
                at: healed.since,
                label: `${healed.host} alone holds the VIP${restart ? ` (${stack.title} restarted on ${broken.name})` : ''}`,
              });
            windows.push({
              percent,
              from: began.at,
              to: load.now(),
              cleared: cleared.at,
              ...(shown !== undefined ? { shown } : {}),
              ...(healed ? { healed } : {}),
              ...(restart ? { restart: restart.said } : {}),
            });
            if (!healed) break;
          }
          return { events, windows, readings: await watch.stop() };
        } finally {
          await watch.stop();
        }
      });
    } finally {
      await loss.clear();
    }
    const { events, windows, readings } = run;
    const end = run.all[run.all.length - 1]?.at ?? 0;
    const samples = throughBalancers(run.all, readings, macs);
    const within = (r: { at: number }, w: { from: number; to: number }) => r.at >= w.from && r.at < w.to;
    const outcomes: LossOutcome[] = windows.map((w) => {
      const seen: VipReading[] = readings.filter((r) => within(r, w));
      const requests = samples.filter((s) => within(s, w));
      return {
        percent: w.percent,
        ...(w.shown !== undefined ? { shown: w.shown } : {}),
        moves: takeovers(seen).length,
        splitSeconds: splitSpans(seen, w.to).seconds,
        vacantSeconds: vacantSpans(seen, w.to).seconds,
        failed: requests.filter((s) => !s.ok).length,
        total: requests.length,
        through: perBalancer(requests),
        ...(w.restart ? { restart: w.restart } : {}),
        ...(w.healed ? { healed: { host: w.healed.host, seconds: w.healed.since - w.cleared } } : {}),
      };
    });
    const problems: string[] = [];
    for (const o of outcomes) {
      if (o.shown !== o.percent)
        problems.push(`${broken.name}'s heartbeat link showed ${o.shown ?? 'no'}% loss where ${o.percent}% was set`);
      if (!o.healed)
        problems.push(
          `after ${o.percent}% loss no single holder, even after ${stack.title} was restarted on ${broken.name}`,
        );
    }
    const figures = outcomes.map((o) => describeOutcome(o, seconds));
    return {
      passed: problems.length === 0,
      summary:
        problems.length > 0
          ? problems.join('; ')
          : `${figures.join('; ')} (${stack.title}, detection ${stack.detectionSeconds(lab).toFixed(1)} s)`,
      evidence: [
        `${broken.name}'s heartbeat link dropped each share of its packets each way, ${seconds} s per setting, under a request every 100 ms`,
        ...outcomes.map(
          (o) =>
            `${describeOutcome(o, seconds)} (${o.through}); ${o.healed ? `${o.healed.host} alone held the VIP ${o.healed.seconds.toFixed(1)} s after the loss was cleared` : 'not healed'}${o.restart ? ` (${o.restart})` : ''}`,
        ),
        ...(await peerEvidence(ctx, marks, 12)),
      ],
      timeline: {
        samples,
        events,
        lanes: holderLanes(
          readings,
          balancers(lab).map((h) => h.name),
          end,
        ),
      },
    };
  },
};
