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
import { joinWords, type Said, type Speaker, type Words } from '../../said.ts';
import {
  aloneHolds,
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
import { failedAmong, markPower, underLoad, waitUntil, type Sample, type TimelineEvent } from '../steady-load.ts';
import { holderLanes, perBalancer, splitSpans, throughBalancers, vacantSpans } from '../vip-history.ts';
import { watchVip } from '../vip-watch.ts';
import { macsClaiming } from '../../packets/wire-packets.ts';

/** How long after the cut two holders may take to appear: twice the stack's detection time, and some. */
export function splitWindowSeconds(lab: Lab): number {
  return Math.ceil(2 * haStackOf(lab).detectionSeconds(lab) + 10);
}

/** How long the split is left standing once seen, for the requests a client sends meanwhile. */
const SPLIT_HELD_MS = 5000;

/**
 * What in the definition shaped V8's result, in each language: the report keeps the runs of each
 * variant side by side, and `.en` is a key the same whatever language a run spoke.
 */
export function splitBrainVariant(lab: Lab): Said {
  return hasSecondPath(lab)
    ? { en: `heartbeat paths: ${lab.ha.paths.join(', ')}`, es: `vías de latidos: ${lab.ha.paths.join(', ')}` }
    : { en: 'one heartbeat path', es: 'una sola vía de latidos' };
}

/** What V8 saw, in figures and names: splitBrainWords says it. */
export interface SplitBrainStory {
  variant: Words;
  /** the networks the stack speaks on (ha.paths), where it has a second path */
  paths: string[];
  twoPaths: boolean;
  stack: string;
  master: string;
  broken: string;
  vip: string;
  lanFile: string;
  windowSeconds: number;
  detectionSeconds: number;
  healTimeoutSeconds: number;
  /** seconds from the cut until two balancers held the VIP, if they did */
  splitAfter?: number;
  /** how long two held it in all */
  splitSeconds: number;
  /** the master held the VIP in every reading while the link was silent */
  masterKept: boolean;
  /** who claimed the VIP by ARP while the link was silent: "haproxy2 (08:00:27:…) 4" */
  claimants: string[];
  /** how many MACs claimed it */
  claimCount: number;
  /** the requests while the link was silent, each with the balancer it went through */
  during: Sample[];
  /** the requests from the link whole again until one holder was left */
  healing: Sample[];
  /** seconds from the link whole again until one holder was left, with that holder; undefined: none was */
  healed?: { host: string; after: number };
  /** seconds with no holder at all after the link was whole */
  vacantSeconds: number;
}

/** How the farm healed once the link was whole, and the requests that failed until then. */
export function healedWords(story: SplitBrainStory, say: Speaker): { healed: Words; healing: Words } {
  const { healed, healing } = story;
  const healedSay =
    healed === undefined
      ? say(
          `no single holder within ${story.healTimeoutSeconds} s of the link being whole`,
          `ningún titular único en los ${story.healTimeoutSeconds} s tras restablecerse el enlace`,
        )
      : healed.after <= 0
        ? say(
            `${healed.host} still the only holder once the link was whole`,
            `${healed.host} seguía siendo el único titular una vez restablecido el enlace`,
          )
        : say(
            `${healed.host} alone holds the VIP ${healed.after.toFixed(1)} s after the link was whole${story.vacantSeconds > 0 ? `, after ${story.vacantSeconds.toFixed(1)} s with no holder at all` : ''}`,
            `solo ${healed.host} tiene la VIP ${healed.after.toFixed(1)} s después de restablecerse el enlace${story.vacantSeconds > 0 ? `, tras ${story.vacantSeconds.toFixed(1)} s sin ningún titular` : ''}`,
          );
  const failed = failedAmong(healing, say);
  const healingSay = healing.length > 0 ? say(`, ${failed} until then`, `, ${failed} hasta entonces`) : say('', '');
  return { healed: healedSay, healing: healingSay };
}

/** V8's evidence (before the restart and the logs), problems and one line, from what it saw. */
export function splitBrainWords(
  story: SplitBrainStory,
  say: Speaker,
): { evidence: Words[]; problems: Words[]; summary: Words } {
  const { variant, stack, master, broken, vip, windowSeconds, splitAfter, during } = story;
  const { healed, healing } = healedWords(story, say);
  const pathsEn = story.paths.join(' and ');
  const pathsEs = story.paths.join(' y ');
  const claimantsEn = story.claimants.join(', ') || 'none';
  const claimantsEs = story.claimants.join(', ') || 'ninguno';
  const through = perBalancer(during, say);
  const evidence = [
    story.twoPaths
      ? say(
          `${variant}: ${stack} speaks on ${pathsEn}; ${broken}'s heartbeat link: every packet dropped each way, its carrier kept`,
          `${variant}: ${stack} habla por ${pathsEs}; enlace de latidos de ${broken}: todos sus paquetes descartados en ambos sentidos, su portadora mantenida`,
        )
      : say(
          `${variant}: ${stack} speaks on the heartbeat network only; ${broken}'s heartbeat link: every packet dropped each way, its carrier kept`,
          `${variant}: ${stack} habla solo por la red de latidos; enlace de latidos de ${broken}: todos sus paquetes descartados en ambos sentidos, su portadora mantenida`,
        ),
    splitAfter !== undefined
      ? say(
          `two holders ${splitAfter.toFixed(1)} s after the link went silent, for ${story.splitSeconds.toFixed(1)} s in all`,
          `dos titulares ${splitAfter.toFixed(1)} s después de silenciarse el enlace, durante ${story.splitSeconds.toFixed(1)} s en total`,
        )
      : say(
          `never two holders in the ${windowSeconds} s after the link went silent${story.masterKept ? `: ${master} held the VIP throughout` : ''}`,
          `nunca dos titulares en los ${windowSeconds} s tras silenciarse el enlace${story.masterKept ? `: ${master} tuvo la VIP todo el tiempo` : ''}`,
        ),
    say(
      `ARP from ${vip} on the LAN while the link was silent: ${claimantsEn} (pcap: ${story.lanFile})`,
      `ARP de ${vip} en la LAN mientras el enlace estaba silenciado: ${claimantsEs} (pcap: ${story.lanFile})`,
    ),
    say(
      `requests while the link was silent: ${during.length}, ${through}`,
      `peticiones mientras el enlace estaba silenciado: ${during.length}, ${through}`,
    ),
    joinWords([healed, healing], ''),
  ];
  const problems: Words[] = [];
  if (story.twoPaths) {
    if (splitAfter !== undefined)
      problems.push(
        say(
          `two balancers held the VIP ${splitAfter.toFixed(1)} s after ${broken}'s heartbeat link went silent, though ${pathsEn} both carry ${stack}`,
          `dos balanceadores tuvieron la VIP ${splitAfter.toFixed(1)} s después de silenciarse el enlace de latidos de ${broken}, aunque ${pathsEs} llevan ambas ${stack}`,
        ),
      );
    else if (!story.masterKept)
      problems.push(
        say(
          `${master} lost the VIP while ${broken}'s heartbeat link was silent`,
          `${master} perdió la VIP mientras el enlace de latidos de ${broken} estaba silenciado`,
        ),
      );
  } else {
    if (splitAfter === undefined)
      problems.push(
        say(
          `${broken} never took the VIP within ${windowSeconds} s of its heartbeat link going silent (${stack} detects a silent peer in ${story.detectionSeconds.toFixed(1)} s)`,
          `${broken} no tomó la VIP en los ${windowSeconds} s tras silenciarse su enlace de latidos (${stack} detecta un par en silencio en ${story.detectionSeconds.toFixed(1)} s)`,
        ),
      );
    else if (story.claimCount < 2)
      problems.push(
        say(
          `two balancers held the VIP, but ARP on the LAN named ${story.claimCount === 0 ? 'no MAC' : 'one MAC'} for it (${claimantsEn})`,
          `dos balanceadores tuvieron la VIP, pero el ARP en la LAN ${story.claimCount === 0 ? 'no le asoció ninguna MAC' : 'le asoció una sola MAC'} (${claimantsEs})`,
        ),
      );
  }
  if (!story.healed) problems.push(healed);
  const summary =
    problems.length > 0
      ? joinWords(problems, '; ')
      : story.twoPaths
        ? say(
            `one holder throughout: ${master} kept the VIP for the ${windowSeconds} s ${broken}'s heartbeat link was silent (${through}); ${healed}${healing}`,
            `un solo titular todo el tiempo: ${master} conservó la VIP durante los ${windowSeconds} s que el enlace de latidos de ${broken} estuvo silenciado (${through}); ${healed}${healing}`,
          )
        : say(
            `split brain: ${broken} took the VIP ${splitAfter!.toFixed(1)} s after its heartbeat link went silent while ${master} kept it, ARP from both; ${failedAmong(during, say)} meanwhile; ${healed}${healing}`,
            `split brain: ${broken} tomó la VIP ${splitAfter!.toFixed(1)} s después de silenciarse su enlace de latidos mientras ${master} la conservaba, ARP de ambos; ${failedAmong(during, say)} mientras tanto; ${healed}${healing}`,
          );
  return { evidence, problems, summary };
}

const TITLE: Said = {
  en: "split brain: the backup's heartbeat link silenced while both balancers run",
  es: 'split brain: el enlace de latidos del balanceador de respaldo silenciado mientras ambos balanceadores funcionan',
};

export const splitBrainCheck: Check = {
  id: 'V8',
  title: TITLE,
  uses: ['requests', 'captures'],
  titleFor: (lab) =>
    hasSecondPath(lab)
      ? {
          en: `split brain avoided: the backup's heartbeat link silenced, a second path (${lab.ha.paths.join(', ')}) left`,
          es: `split brain evitado: el enlace de latidos del balanceador de respaldo silenciado, queda una segunda vía (${lab.ha.paths.join(', ')})`,
        }
      : TITLE,
  onlyWhenAsked: true,
  changesLinks: true,
  needs: (lab) => [{ need: 'links', host: brokenBalancer(lab).name }],
  async run(ctx) {
    const { lab } = ctx;
    const master = masterBalancer(lab).name;
    const broken = brokenBalancer(lab);
    const twoPaths = hasSecondPath(lab);
    const { say } = ctx;
    const variant = splitBrainVariant(lab);
    const variantWords = say.said(variant);
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
          const cut = await markPower(
            load,
            say(`${broken.name}'s heartbeat link silenced`, `enlace de latidos de ${broken.name} silenciado`),
            () => loss.set(100),
            say,
          );
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
            events.push({ at: splitAt, label: say('two holders', 'dos titulares') });
            // The client forgets where the VIP is: its next request asks the LAN, and every holder answers.
            await ctx.client.forgetVipMac();
            await sleep(SPLIT_HELD_MS);
          }
          const restored = await markPower(
            load,
            say('link whole again', 'enlace restablecido'),
            () => loss.set(0),
            say,
          );
          events.push(restored);
          const healed = await waitHealed(lab, load, watch.readings, restored.at);
          if (healed) events.push({ at: healed.since, label: aloneHolds(healed.host, say) });
          // Not healed by itself: V8 fails, and the farm is put back as it was found all the same.
          const restart = healed ? undefined : await healByRestart(ctx, broken, load, watch.readings);
          if (restart?.healed)
            events.push({
              at: restart.healed.since,
              label: aloneHolds(restart.healed.host, say, { stack: stack.title, on: broken.name }),
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
        say,
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
    const said = splitBrainWords(
      {
        variant: variantWords,
        paths: lab.ha.paths,
        twoPaths,
        stack: stack.title,
        master,
        broken: broken.name,
        vip: lab.vip.address,
        lanFile,
        windowSeconds,
        detectionSeconds: stack.detectionSeconds(lab),
        healTimeoutSeconds: healTimeoutSeconds(lab),
        ...(splitAt !== undefined ? { splitAfter: splitAt - cut.at } : {}),
        splitSeconds: split.seconds,
        masterKept: held.every((r) => r.holders.includes(master)),
        claimants,
        claimCount: claims.size,
        during,
        healing,
        ...(healed ? { healed: { host: healed.host, after: healed.since - restored.at } } : {}),
        vacantSeconds: vacant.seconds,
      },
      say,
    );
    const evidence = [...said.evidence, ...(restart ? [restart.said] : []), ...(await peerEvidence(ctx, marks, 12))];
    const { summary, problems } = said;
    return { passed: problems.length === 0, summary, evidence, timeline, pcaps: [basename(lanFile)], variant };
  },
};
