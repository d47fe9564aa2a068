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
import { joinWords, type Speaker, type Words } from '../../said.ts';
import {
  aloneHolds,
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
import { failedOf, markPower, underLoad, type TimelineEvent } from '../steady-load.ts';
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
  through: Words;
  /** what hafarm did when the stack stayed split after the loss was cleared */
  restart?: Words;
}

/** "30% loss for 30 s: 2 VIP moves (two holders 3.1 s), 12 of 300 requests failed": one setting's figures. */
export function describeOutcome(o: LossOutcome, seconds: number, say: Speaker): Words {
  const split = o.splitSeconds.toFixed(1);
  const vacant = o.vacantSeconds.toFixed(1);
  const heldEn = [
    o.splitSeconds > 0 ? `two holders ${split} s` : '',
    o.vacantSeconds > 0 ? `no holder ${vacant} s` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const heldEs = [
    o.splitSeconds > 0 ? `dos titulares ${split} s` : '',
    o.vacantSeconds > 0 ? `ningún titular ${vacant} s` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const movesEs = `${o.moves} ${o.moves === 1 ? 'movimiento' : 'movimientos'} de la VIP`;
  const failed = failedOf(o.failed, o.total, say);
  return say(
    `${o.percent}% loss for ${seconds} s: ${o.moves} VIP move${o.moves === 1 ? '' : 's'}${heldEn ? ` (${heldEn})` : ''}, ${failed}${o.restart ? ', not healed by itself' : ''}`,
    `${o.percent}% de pérdida durante ${seconds} s: ${movesEs}${heldEs ? ` (${heldEs})` : ''}, ${failed}${o.restart ? ', la granja no se recuperó por sí sola' : ''}`,
  );
}

/** One setting's line of evidence: its figures, the requests per balancer, how it healed. */
export function outcomeEvidence(o: LossOutcome, seconds: number, say: Speaker): Words {
  const figures = describeOutcome(o, seconds, say);
  const restart = o.restart ? ` (${o.restart})` : '';
  if (!o.healed)
    return say(
      `${figures} (${o.through}); not healed${restart}`,
      `${figures} (${o.through}); sin recuperarse${restart}`,
    );
  const { host } = o.healed;
  const after = o.healed.seconds.toFixed(1);
  return say(
    `${figures} (${o.through}); ${host} alone held the VIP ${after} s after the loss was cleared${restart}`,
    `${figures} (${o.through}); solo ${host} tuvo la VIP ${after} s después de eliminar la pérdida${restart}`,
  );
}

/** What went wrong with the settings: a loss not shown as set, a farm left with no single holder. */
export function outcomeProblems(outcomes: LossOutcome[], on: { broken: string; stack: string }, say: Speaker): Words[] {
  const { broken, stack } = on;
  return outcomes.flatMap((o) => [
    ...(o.shown === o.percent
      ? []
      : [
          o.shown === undefined
            ? say(
                `${broken}'s heartbeat link showed no% loss where ${o.percent}% was set`,
                `el enlace de latidos de ${broken} no mostró pérdida alguna donde se fijó un ${o.percent}%`,
              )
            : say(
                `${broken}'s heartbeat link showed ${o.shown}% loss where ${o.percent}% was set`,
                `el enlace de latidos de ${broken} mostró un ${o.shown}% de pérdida donde se fijó un ${o.percent}%`,
              ),
        ]),
    ...(o.healed
      ? []
      : [
          say(
            `after ${o.percent}% loss no single holder, even after ${stack} was restarted on ${broken}`,
            `tras un ${o.percent}% de pérdida ningún titular único, incluso después de reiniciar ${stack} en ${broken}`,
          ),
        ]),
  ]);
}

export const lossyHeartbeatCheck: Check = {
  id: 'V9',
  title: {
    en: 'a lossy heartbeat link under steady load',
    es: 'un enlace de latidos con pérdidas bajo carga constante',
  },
  uses: ['requests', 'captures'],
  onlyWhenAsked: true,
  changesLinks: true,
  needs: (lab) => [{ need: 'links', host: brokenBalancer(lab).name }],
  async run(ctx) {
    const { lab, say } = ctx;
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
          restart?: Words;
        }> = [];
        try {
          await sleep(2000);
          for (const percent of LOSS_SETTINGS) {
            const began = await markPower(
              load,
              say(
                `${percent}% loss on ${broken.name}'s heartbeat link`,
                `${percent}% de pérdida en el enlace de latidos de ${broken.name}`,
              ),
              () => loss.set(percent),
              say,
            );
            events.push(began);
            const shown = (await ctx.provider.links()).find(
              (l) => l.host === broken.name && l.network === 'heartbeat',
            )?.lossPercent;
            await sleep(Math.max(0, seconds * 1000 - (load.now() - began.at) * 1000));
            const cleared = await markPower(load, say('loss cleared', 'pérdida eliminada'), () => loss.set(0), say);
            events.push(cleared);
            const byItself = await waitHealed(lab, load, watch.readings, cleared.at);
            // A stack that stays split after the loss is a finding of V9, and the farm is put back for the next setting.
            const restart = byItself ? undefined : await healByRestart(ctx, broken, load, watch.readings);
            const healed = byItself ?? restart?.healed;
            if (healed)
              events.push({
                at: healed.since,
                label: aloneHolds(healed.host, say, restart ? { stack: stack.title, on: broken.name } : undefined),
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
        through: perBalancer(requests, say),
        ...(w.restart ? { restart: w.restart } : {}),
        ...(w.healed ? { healed: { host: w.healed.host, seconds: w.healed.since - w.cleared } } : {}),
      };
    });
    const problems = outcomeProblems(outcomes, { broken: broken.name, stack: stack.title }, say);
    const figures = joinWords(
      outcomes.map((o) => describeOutcome(o, seconds, say)),
      '; ',
    );
    const detection = stack.detectionSeconds(lab).toFixed(1);
    return {
      passed: problems.length === 0,
      summary:
        problems.length > 0
          ? joinWords(problems, '; ')
          : say(
              `${figures} (${stack.title}, detection ${detection} s)`,
              `${figures} (${stack.title}, detección ${detection} s)`,
            ),
      evidence: [
        say(
          `${broken.name}'s heartbeat link dropped each share of its packets each way, ${seconds} s per setting, under a request every 100 ms`,
          `el enlace de latidos de ${broken.name} descartó en ambos sentidos el porcentaje fijado de sus paquetes, ${seconds} s por cada ajuste, con una petición cada 100 ms`,
        ),
        ...outcomes.map((o) => outcomeEvidence(o, seconds, say)),
        ...(await peerEvidence(ctx, marks, 12)),
      ],
      timeline: {
        samples,
        events,
        lanes: holderLanes(
          readings,
          balancers(lab).map((h) => h.name),
          end,
          say,
        ),
      },
    };
  },
};
