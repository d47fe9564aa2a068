// V8 split brain: the backup's heartbeat link silenced while both balancers run. Not a cut
// cable: every packet on it is dropped and its carrier stays, as a dead switch port or a wrong
// firewall rule does, so neither balancer knows the link is broken (a lost carrier is a fault
// keepalived acts on by itself, and Heartbeat's write errors stop it on some hypervisors).
// With one path the backup hears nothing for its detection time and takes the VIP while the
// master keeps it: two holders, on the machines and on the wire (the LAN asked who has the VIP
// gets two answers). The check shows what a client sees meanwhile, restores the link and
// measures how long until one holder is left, and which. With a second path (ha.paths) the
// backup still hears the master, and the same cut must leave one holder throughout.
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { haStackOf } from '../../../roles/components.ts';
import { hasSecondPath } from '../../lab/ha-section.ts';
import { balancers, masterBalancer, type Lab } from '../../lab/model.ts';
import type { Check } from '../check.ts';
import {
  balancerMacs,
  brokenBalancer,
  healByRestart,
  healTimeoutSeconds,
  heartbeatLoss,
  markBalancerLogs,
  notReady,
  peerEvidence,
  waitHealed,
} from '../link-fault.ts';
import { pageServer } from '../../../roles/nginx/page-server.ts';
import { markPower, underLoad, waitUntil, type TimelineEvent } from '../steady-load.ts';
import { holderLanes, perBalancer, splitSpans, throughBalancers, vacantSpans } from '../vip-history.ts';
import { watchVip } from '../vip-watch.ts';
import { macsClaiming } from '../../packets/wire-packets.ts';

/** How long after the cut two holders may take to appear: twice the stack's detection time, and some. */
export function splitWindowSeconds(lab: Lab): number {
  return Math.ceil(2 * haStackOf(lab).detectionSeconds(lab) + 10);
}

/** How long the split is left standing once seen, for the requests a client sends meanwhile. */
const SPLIT_HELD_MS = 5000;

export const splitBrainCheck: Check = {
  id: 'V8',
  title: "split brain: the backup's heartbeat link silenced while both balancers run",
  uses: ['requests', 'captures'],
  titleFor: (lab) =>
    hasSecondPath(lab)
      ? `split brain avoided: the backup's heartbeat link silenced, a second path (${lab.ha.paths.join(', ')}) left`
      : splitBrainCheck.title,
  onlyWhenAsked: true,
  changesLinks: true,
  needs: (lab) => [{ need: 'links', host: brokenBalancer(lab).name }],
  async run(ctx) {
    const { lab } = ctx;
    const master = masterBalancer(lab).name;
    const broken = brokenBalancer(lab);
    const twoPaths = hasSecondPath(lab);
    const variant = twoPaths ? `heartbeat paths: ${lab.ha.paths.join(', ')}` : 'one heartbeat path';
    const stack = haStackOf(lab);
    const problem = await notReady(ctx, broken);
    if (problem) return { passed: false, summary: problem, evidence: [], variant };
    const macs = await balancerMacs(ctx);
    const marks = await markBalancerLogs(ctx);
    const lanFile = join(ctx.wire.reportDir, 'split-brain-lan-arp.pcap');
    const capture = await ctx.wire.capture('lan', lanFile, 'arp');
    const windowSeconds = splitWindowSeconds(lab);
    const loss = heartbeatLoss(ctx, broken);
    let run;
    try {
      run = await underLoad(ctx.client, pageServer(lab, ctx.adopted), {}, async (load) => {
        // Packet times are this host's clock; the load's are seconds since it started.
        const epoch = Date.now() / 1000 - load.now();
        const watch = watchVip(ctx, load.now);
        const events: TimelineEvent[] = [];
        try {
          await sleep(2000);
          const cut = await markPower(load, `${broken.name}'s heartbeat link silenced`, () => loss.set(100));
          events.push(cut);
          let splitAt: number | undefined;
          await waitUntil(
            async () => {
              const last = watch.readings[watch.readings.length - 1];
              if (last && last.at > cut.at && last.holders.length >= 2) splitAt = last.at;
              return splitAt !== undefined || load.now() - cut.at >= windowSeconds;
            },
            (windowSeconds + 5) * 1000,
            100,
          );
          if (splitAt !== undefined) {
            events.push({ at: splitAt, label: 'two holders' });
            // The client forgets where the VIP is: its next request asks the LAN, and every holder answers.
            await ctx.client.forgetVipMac();
            await sleep(SPLIT_HELD_MS);
          }
          const restored = await markPower(load, 'link whole again', () => loss.set(0));
          events.push(restored);
          const healed = await waitHealed(lab, load, watch.readings, restored.at);
          if (healed) events.push({ at: healed.since, label: `${healed.host} alone holds the VIP` });
          // Not healed by itself: V8 fails, and the farm is put back as it was found all the same.
          const restart = healed ? undefined : await healByRestart(ctx, broken, load, watch.readings);
          if (restart?.healed)
            events.push({
              at: restart.healed.since,
              label: `${restart.healed.host} alone holds the VIP (${stack.title} restarted on ${broken.name})`,
            });
          await sleep(1000);
          return { events, cut, splitAt, restored, healed, restart, epoch, readings: await watch.stop() };
        } finally {
          await watch.stop();
        }
      });
    } finally {
      await capture.stop();
      await loss.clear();
    }
    const { events, cut, splitAt, restored, healed, restart, epoch, readings } = run;
    const end = run.all[run.all.length - 1]?.at ?? restored.at;
    const samples = throughBalancers(run.all, readings, macs);
    const timeline = {
      samples,
      events,
      lanes: holderLanes(
        readings,
        balancers(lab).map((h) => h.name),
        end,
      ),
    };
    const during = samples.filter((s) => s.at >= cut.at && s.at < restored.at);
    const healing = samples.filter((s) => s.at >= restored.at && (!healed || s.at < healed.since));
    const split = splitSpans(
      readings.filter((r) => r.at >= cut.at),
      end,
    );
    const vacant = vacantSpans(
      readings.filter((r) => r.at >= restored.at),
      end,
    );
    // ARP from the VIP, while the link was silent: who said "the VIP is at my MAC".
    const claims = macsClaiming(
      (await capture.packets()).filter((p) => p.time - epoch >= cut.at && p.time - epoch < restored.at),
      lab.vip.address,
    );
    const claimants = [...claims].map(([mac, n]) => `${macs.get(mac) ?? mac} (${mac}) ${n}`);
    const held = readings.filter((r) => r.at >= cut.at && r.at < restored.at);
    const masterKept = held.every((r) => r.holders.includes(master));
    const healedSay =
      healed === undefined
        ? `no single holder within ${healTimeoutSeconds(lab)} s of the link being whole`
        : healed.since <= restored.at
          ? `${healed.host} still the only holder once the link was whole`
          : `${healed.host} alone holds the VIP ${(healed.since - restored.at).toFixed(1)} s after the link was whole${vacant.seconds > 0 ? `, after ${vacant.seconds.toFixed(1)} s with no holder at all` : ''}`;
    const healingSay =
      healing.length > 0
        ? `, ${healing.filter((s) => !s.ok).length} of ${healing.length} requests failed until then`
        : '';
    const evidence = [
      `${variant}: ${stack.title} ${twoPaths ? `speaks on ${lab.ha.paths.join(' and ')}` : 'speaks on the heartbeat network only'}; ${broken.name}'s heartbeat link: every packet dropped each way, its carrier kept`,
      splitAt !== undefined
        ? `two holders ${(splitAt - cut.at).toFixed(1)} s after the link went silent, for ${split.seconds.toFixed(1)} s in all`
        : `never two holders in the ${windowSeconds} s after the link went silent${masterKept ? `: ${master} held the VIP throughout` : ''}`,
      `ARP from ${lab.vip.address} on the LAN while the link was silent: ${claimants.join(', ') || 'none'} (pcap: ${lanFile})`,
      `requests while the link was silent: ${during.length}, ${perBalancer(during)}`,
      `${healedSay}${healingSay}`,
      ...(restart ? [restart.said] : []),
      ...(await peerEvidence(ctx, marks, 12)),
    ];
    const problems: string[] = [];
    if (twoPaths) {
      if (splitAt !== undefined)
        problems.push(
          `two balancers held the VIP ${(splitAt - cut.at).toFixed(1)} s after ${broken.name}'s heartbeat link went silent, though ${lab.ha.paths.join(' and ')} both carry ${stack.title}`,
        );
      else if (!masterKept) problems.push(`${master} lost the VIP while ${broken.name}'s heartbeat link was silent`);
    } else {
      if (splitAt === undefined)
        problems.push(
          `${broken.name} never took the VIP within ${windowSeconds} s of its heartbeat link going silent (${stack.title} detects a silent peer in ${stack.detectionSeconds(lab).toFixed(1)} s)`,
        );
      else if (claims.size < 2)
        problems.push(
          `two balancers held the VIP, but ARP on the LAN named ${claims.size === 0 ? 'no MAC' : 'one MAC'} for it (${claimants.join(', ') || 'none'})`,
        );
    }
    if (!healed) problems.push(healedSay);
    const summary =
      problems.length > 0
        ? problems.join('; ')
        : twoPaths
          ? `one holder throughout: ${master} kept the VIP for the ${windowSeconds} s ${broken.name}'s heartbeat link was silent (${perBalancer(during)}); ${healedSay}${healingSay}`
          : `split brain: ${broken.name} took the VIP ${(splitAt! - cut.at).toFixed(1)} s after its heartbeat link went silent while ${master} kept it, ARP from both; ${during.filter((s) => !s.ok).length} of ${during.length} requests failed meanwhile; ${healedSay}${healingSay}`;
    return { passed: problems.length === 0, summary, evidence, timeline, pcaps: [basename(lanFile)], variant };
  },
};
