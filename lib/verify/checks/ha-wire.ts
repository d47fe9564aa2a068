// V6 and V7, as the tutorial showed them in Wireshark: captures of the heartbeat network and
// the LAN while the master is powered off and on again. V6: the HA stack's announcements from
// its members at its interval (Heartbeat: UDP broadcasts from every balancer, about one a
// second each). V7: the master silent while it is off, the standby that takes over announcing
// itself, and its gratuitous ARP for the VIP. What the announcements look like is the stack's
// (lib/ha/); this check knows none. The pcaps are kept.
import { basename, join } from 'node:path';
import { haStackOf } from '../../../roles/components.ts';
import { balancers, findHost, masterBalancer } from '../../lab/model.ts';
import type { Check, PacketChart } from '../check.ts';
import { asIs, joinWords, type Said, type Speaker, type Words } from '../../said.ts';
import { describePacket, type Packet } from '../../packets/pcap.ts';
import { gratuitousArps } from '../../packets/wire-packets.ts';
import { powered, waitUntil } from '../steady-load.ts';
import { vipHolder } from '../vip.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Share of the slots of `slot` seconds in [from, to) that saw at least one of the packets. */
function coverage(packets: Packet[], from: number, to: number, slot: number): number {
  const slots = Math.max(1, Math.floor((to - from) / slot));
  const seen = new Set(
    packets.filter((p) => p.time >= from && p.time < to).map((p) => Math.floor((p.time - from) / slot)),
  );
  return Math.min(1, seen.size / slots);
}

/** "every second" ("cada segundo"), "every 0.1 s": how often a member announces itself. */
export function everyInterval(interval: number, say: Speaker): Words {
  return interval === 1 ? say('every second', 'cada segundo') : say(`every ${interval} s`, `cada ${interval} s`);
}

/** What V6 and V7 saw on the wire, in figures and names: haWireWords says it. */
export interface HaWireStory {
  stack: string;
  /** the stack's announcements: "UDP broadcasts to 10.100.100.255:694" */
  announcements: Said;
  /** Heartbeat: every member announces itself; VRRP: only the active one */
  everyMember: boolean;
  interval: number;
  master: string;
  vip: string;
  captures: { heartbeat: { file: string; source: string }; lan: { file: string; source: string } };
  /** seconds of the capture before power off that the shares count */
  beforeSeconds: number;
  members: Array<{
    name: string;
    /** its heartbeat address */
    address?: string;
    /** its announcements before power off */
    packets: number;
    /** the share of the intervals before power off with one of them at least */
    share: number;
    /** its first announcement, as the capture shows it */
    first?: string;
    /** whether it should announce itself while the master is active */
    announces: boolean;
    /** it announced itself before power off, though not the active member */
    spokeAsStandby: boolean;
  }>;
  /** seconds from surely off to powered on */
  offSeconds: number;
  /** the master's announcements while it was off */
  masterWhileOff: number;
  /** the balancer that held the VIP while the master was off */
  taker?: string;
  /** the taker's announcements while the master was off */
  takerPackets: number;
  takerMac?: string;
  /** the taker's gratuitous ARP for the VIP: seconds after power off, how many, the first as the capture shows it */
  garp?: { after: number; count: number; first: string };
}

/** V6 and V7's evidence, problems and one line, from what they saw. */
export function haWireWords(
  story: HaWireStory,
  say: Speaker,
): { evidence: Words[]; problems: Words[]; summary: Words } {
  const { stack, master, vip, taker, takerMac } = story;
  const { heartbeat, lan } = story.captures;
  const described = say.said(story.announcements);
  const every = everyInterval(story.interval, say);
  const before = story.beforeSeconds.toFixed(0);
  const problems: Words[] = [];
  const evidence: Words[] = [
    say(
      `pcaps: ${heartbeat.file} (captured on ${heartbeat.source}), ${lan.file} (on ${lan.source}); open them in Wireshark`,
      `pcaps: ${heartbeat.file} (capturado en ${heartbeat.source}), ${lan.file} (en ${lan.source}); ábrelos en Wireshark`,
    ),
  ];
  for (const m of story.members) {
    const share = (m.share * 100).toFixed(0);
    evidence.push(
      say(
        `${m.name}: ${described}: ${m.packets} packets in the ${before} s before power off, ${every} in ${share}% of them`,
        `${m.name}: ${described}: ${m.packets} ${m.packets === 1 ? 'paquete' : 'paquetes'} en los ${before} s antes del apagado, ${every} en el ${share}% de ellos`,
      ),
    );
    if (m.first) evidence.push(asIs(`  ${m.first}`));
    if (m.announces && m.share < 0.75)
      problems.push(
        say(
          `V6: ${m.name} announced itself (${described}) ${every} in only ${share}% of the time before power off`,
          `V6: ${m.name} se anunció (${described}) ${every} solo en el ${share}% del tiempo antes del apagado`,
        ),
      );
    if (!m.announces && m.spokeAsStandby)
      problems.push(
        say(
          `V6: ${m.name}, a standby, announced itself while ${master} was active (${stack}: only the active member does)`,
          `V6: ${m.name}, de respaldo, se anunció mientras ${master} estaba activo (${stack}: solo lo hace el miembro activo)`,
        ),
      );
  }
  if (!story.everyMember)
    evidence.push(
      say(
        `${stack}: only the member that holds the VIP announces itself; the standbys keep quiet until it stops`,
        `${stack}: solo se anuncia el miembro que tiene la VIP; los de respaldo callan hasta que deja de hacerlo`,
      ),
    );
  const off = story.offSeconds.toFixed(1);
  const whileOff = story.masterWhileOff;
  evidence.push(
    say(
      `${master} while off (${off} s): ${whileOff} packets`,
      `${master} mientras estaba apagado (${off} s): ${whileOff} ${whileOff === 1 ? 'paquete' : 'paquetes'}`,
    ),
  );
  if (whileOff > 0)
    problems.push(
      say(`V7: ${master} kept sending while powered off`, `V7: ${master} siguió enviando mientras estaba apagado`),
    );
  const took = taker !== undefined && taker !== master;
  if (took) {
    const n = story.takerPackets;
    evidence.push(
      say(
        `${taker} while ${master} was off: ${n} packets`,
        `${taker} mientras ${master} estaba apagado: ${n} ${n === 1 ? 'paquete' : 'paquetes'}`,
      ),
    );
    if (n === 0)
      problems.push(
        say(
          `V7: ${taker} took the VIP but did not announce itself (${described}) while ${master} was off`,
          `V7: ${taker} tomó la VIP pero no se anunció (${described}) mientras ${master} estaba apagado`,
        ),
      );
  }
  const { garp } = story;
  if (garp)
    evidence.push(
      say(
        `gratuitous ARP for ${vip} from ${taker} (${takerMac}) ${garp.after.toFixed(2)} s after power off: ${garp.count} packets`,
        `ARP gratuito para ${vip} de ${taker} (${takerMac}) ${garp.after.toFixed(2)} s después del apagado: ${garp.count} ${garp.count === 1 ? 'paquete' : 'paquetes'}`,
      ),
      asIs(`  ${garp.first}`),
    );
  if (!took)
    problems.push(
      say(
        `V7: no standby took the VIP while ${master} was off`,
        `V7: ningún balanceador de respaldo tomó la VIP mientras ${master} estaba apagado`,
      ),
    );
  else if (!garp)
    problems.push(
      say(
        `V7: no gratuitous ARP for ${vip} from ${taker} (${takerMac}) while ${master} was off`,
        `V7: ningún ARP gratuito para ${vip} de ${taker} (${takerMac}) mientras ${master} estaba apagado`,
      ),
    );
  if (problems.length > 0) return { evidence, problems, summary: joinWords(problems, '; ') };
  const addresses = story.members.map((m) => m.address);
  const from = story.everyMember
    ? say(`heartbeats from ${addresses.join(' and ')}`, `latidos de ${addresses.join(' y ')}`)
    : say(`announcements from ${master}`, `anuncios de ${master}`);
  const after = garp!.after.toFixed(2);
  return {
    evidence,
    problems,
    summary: say(
      `${from} ${every}; ${master} silent while off; ${taker} announced ${vip} by gratuitous ARP ${after} s after power off`,
      `${from} ${every}; ${master} en silencio mientras estaba apagado; ${taker} anunció ${vip} por ARP gratuito ${after} s después del apagado`,
    ),
  };
}

/** The chart's words: its title, and the moments and stretch it marks. */
export function chartWords(
  story: Pick<HaWireStory, 'announcements' | 'master' | 'taker'>,
  say: Speaker,
): { title: Words; off: Words; garp: Words; on: Words; silent: Words } {
  const { master, taker } = story;
  const described = say.said(story.announcements);
  return {
    title: say(`${described} per balancer`, `${described} por balanceador`),
    off: powered(master, false, say),
    garp: say(`gratuitous ARP from ${taker}`, `ARP gratuito de ${taker}`),
    on: powered(master, true, say),
    silent: say(`${master} silent`, `${master} en silencio`),
  };
}

export const haWireCheck: Check = {
  id: 'V6',
  also: ['V7'],
  title: {
    en: 'heartbeats on the wire, master silent and takeover announced (V6, V7)',
    es: 'latidos en la red, maestro en silencio y toma de control anunciada (V6, V7)',
  },
  uses: ['captures'],
  needs: (lab) => [{ need: 'power', host: masterBalancer(lab).name }],
  async run(ctx) {
    const { lab, say } = ctx;
    const master = masterBalancer(lab);
    const stack = haStackOf(lab);
    const said = stack.announcements;
    const interval = said.intervalSeconds(lab);
    // Enough of the run-up to see a few announcements at the stack's interval.
    const lead = Math.max(5, 4 * interval);
    const ready = await waitUntil(async () => (await vipHolder(ctx)) === master.name, 60_000, 250);
    if (ready === undefined)
      return {
        passed: false,
        summary: say(`${master.name} does not hold the VIP to begin with`, `${master.name} no tiene la VIP al empezar`),
        evidence: [],
      };
    const macs = new Map<string, string>();
    for (const h of balancers(lab)) macs.set(h.name, await ctx.machines.macWith(h.name, h.lan));

    const hbFile = join(ctx.wire.reportDir, `${said.network}.pcap`);
    const lanFile = join(ctx.wire.reportDir, 'lan-arp.pcap');
    const hbCapture = await ctx.wire.capture(said.network, hbFile, said.captureFilter(lab));
    const lanCapture = await ctx.wire.capture('lan', lanFile, 'arp').catch(async (error: Error) => {
      await hbCapture.stop();
      throw error;
    });
    // A hypervisor may take seconds to pull the plug: before offAt the master surely ran,
    // after offDone it surely did not.
    let offAt = 0;
    let offDone = 0;
    let onAt = 0;
    let taker: string | undefined;
    try {
      await sleep(lead * 1000);
      offAt = Date.now() / 1000;
      await ctx.machines.powerOff(master.name);
      offDone = Date.now() / 1000;
      await waitUntil(
        async () => {
          taker = await vipHolder(ctx);
          return taker !== undefined;
        },
        60_000,
        250,
      );
      await sleep(3000);
      onAt = Date.now() / 1000;
      await ctx.machines.powerOn(master.name);
      await waitUntil(async () => (await vipHolder(ctx)) === master.name, 60_000, 250);
      await sleep(2000);
    } finally {
      await hbCapture.stop();
      await lanCapture.stop();
    }

    const hb = await hbCapture.packets();
    const arp = await lanCapture.packets();
    const captureStart = hb[0]?.time ?? offAt - lead;
    const from = Math.max(captureStart, offAt - lead + 1);
    const fromMaster = said.from(hb, master, lab);
    const takerSaid =
      taker && taker !== master.name
        ? said.from(hb, findHost(lab, taker), lab).filter((p) => p.time > offDone && p.time < onAt)
        : [];
    const takerMac = taker ? macs.get(taker) : undefined;
    const garps = gratuitousArps(arp, lab.vip.address).filter(
      (p) => p.time > offAt && p.time < onAt && p.srcMac === takerMac,
    );
    const story: HaWireStory = {
      stack: stack.title,
      announcements: said.describe(lab),
      everyMember: said.sentBy === 'every member',
      interval,
      master: master.name,
      vip: lab.vip.address,
      captures: {
        heartbeat: { file: hbFile, source: hbCapture.source },
        lan: { file: lanFile, source: lanCapture.source },
      },
      beforeSeconds: offAt - from,
      members: balancers(lab).map((h) => {
        const sent = said.from(hb, h, lab);
        return {
          name: h.name,
          ...(h.heartbeat ? { address: h.heartbeat } : {}),
          packets: sent.filter((p) => p.time < offAt).length,
          share: coverage(sent, from, offAt, interval),
          ...(sent[0] ? { first: describePacket(sent[0]) } : {}),
          announces: said.sentBy === 'every member' || h.name === master.name,
          spokeAsStandby: sent.some((p) => p.time >= from && p.time < offAt),
        };
      }),
      offSeconds: onAt - offDone,
      masterWhileOff: fromMaster.filter((p) => p.time > offDone + 0.2 && p.time < onAt).length,
      ...(taker ? { taker } : {}),
      takerPackets: takerSaid.length,
      ...(takerMac ? { takerMac } : {}),
      ...(garps[0]
        ? { garp: { after: garps[0].time - offAt, count: garps.length, first: describePacket(garps[0]) } }
        : {}),
    };
    const { evidence, problems, summary } = haWireWords(story, say);
    // The Wireshark screenshots' story in one picture: each member's announcements over time.
    const chartEnd = Math.max(onAt, ...hb.map((p) => p.time)) + 0.5;
    const masterBack = fromMaster.find((p) => p.time > onAt)?.time ?? chartEnd;
    const words = chartWords(story, say);
    const packetChart: PacketChart = {
      title: words.title,
      seconds: chartEnd - captureStart,
      series: balancers(lab).map((h) => ({
        label: asIs(h.name),
        times: said.from(hb, h, lab).map((p) => p.time - captureStart),
      })),
      marks: [
        { at: offAt - captureStart, label: words.off },
        ...(garps[0] ? [{ at: garps[0].time - captureStart, label: words.garp }] : []),
        { at: onAt - captureStart, label: words.on },
      ],
      spans: [{ from: offDone - captureStart, to: masterBack - captureStart, label: words.silent }],
    };
    return {
      packetChart,
      pcaps: [basename(hbFile), basename(lanFile)],
      passed: problems.length === 0,
      summary,
      evidence,
    };
  },
};
