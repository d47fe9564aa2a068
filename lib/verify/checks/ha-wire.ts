// V6 and V7, as the tutorial showed them in Wireshark: captures of the heartbeat network and
// the LAN while the master is powered off and on again. V6: the HA stack's announcements from
// its members at its interval (Heartbeat: UDP broadcasts from every balancer, about one a
// second each). V7: the master silent while it is off, the standby that takes over announcing
// itself, and its gratuitous ARP for the VIP. What the announcements look like is the stack's
// (lib/ha/); this check knows none. The pcaps are kept.
import { basename, join } from 'node:path';
import { haStackOf } from '../../../roles/components.ts';
import { balancers, findHost, masterBalancer } from '../../lab/model.ts';
import type { Check } from '../check.ts';
import { describePacket, type Packet } from '../../packets/pcap.ts';
import { gratuitousArps } from '../../packets/wire-packets.ts';
import { waitUntil } from '../steady-load.ts';
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

export const haWireCheck: Check = {
  id: 'V6',
  also: ['V7'],
  title: 'heartbeats on the wire, master silent and takeover announced (V6, V7)',
  uses: ['captures'],
  needs: (lab) => [{ need: 'power', host: masterBalancer(lab).name }],
  async run(ctx) {
    const { lab } = ctx;
    const master = masterBalancer(lab);
    const stack = haStackOf(lab);
    const said = stack.announcements;
    const interval = said.intervalSeconds(lab);
    // Enough of the run-up to see a few announcements at the stack's interval.
    const lead = Math.max(5, 4 * interval);
    const ready = await waitUntil(async () => (await vipHolder(ctx)) === master.name, 60_000, 250);
    if (ready === undefined)
      return { passed: false, summary: `${master.name} does not hold the VIP to begin with`, evidence: [] };
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
    const problems: string[] = [];
    const evidence: string[] = [
      `pcaps: ${hbFile} (captured on ${hbCapture.source}), ${lanFile} (on ${lanCapture.source}); open them in Wireshark`,
    ];
    const every = `every ${interval === 1 ? 'second' : `${interval} s`}`;
    for (const h of balancers(lab)) {
      const sent = said.from(hb, h, lab);
      const share = coverage(sent, from, offAt, interval);
      evidence.push(
        `${h.name}: ${said.describe(lab)}: ${sent.filter((p) => p.time < offAt).length} packets in the ${(offAt - from).toFixed(0)} s before power off, ${every} in ${(share * 100).toFixed(0)}% of them`,
      );
      if (sent[0]) evidence.push(`  ${describePacket(sent[0])}`);
      const announces = said.sentBy === 'every member' || h.name === master.name;
      if (announces && share < 0.75)
        problems.push(
          `V6: ${h.name} announced itself (${said.describe(lab)}) ${every} in only ${(share * 100).toFixed(0)}% of the time before power off`,
        );
      if (!announces && sent.some((p) => p.time >= from && p.time < offAt))
        problems.push(
          `V6: ${h.name}, a standby, announced itself while ${master.name} was active (${stack.title}: only the active member does)`,
        );
    }
    if (said.sentBy === 'the active member')
      evidence.push(
        `${stack.title}: only the member that holds the VIP announces itself; the standbys keep quiet until it stops`,
      );
    const fromMaster = said.from(hb, master, lab);
    const silentWhileOff = fromMaster.filter((p) => p.time > offDone + 0.2 && p.time < onAt);
    evidence.push(`${master.name} while off (${(onAt - offDone).toFixed(1)} s): ${silentWhileOff.length} packets`);
    if (silentWhileOff.length > 0) problems.push(`V7: ${master.name} kept sending while powered off`);
    const takerSaid =
      taker && taker !== master.name
        ? said.from(hb, findHost(lab, taker), lab).filter((p) => p.time > offDone && p.time < onAt)
        : [];
    if (taker && taker !== master.name) {
      evidence.push(`${taker} while ${master.name} was off: ${takerSaid.length} packets`);
      if (takerSaid.length === 0)
        problems.push(
          `V7: ${taker} took the VIP but did not announce itself (${said.describe(lab)}) while ${master.name} was off`,
        );
    }
    const takerMac = taker ? macs.get(taker) : undefined;
    const garps = gratuitousArps(arp, lab.vip.address).filter(
      (p) => p.time > offAt && p.time < onAt && p.srcMac === takerMac,
    );
    if (garps[0])
      evidence.push(
        `gratuitous ARP for ${lab.vip.address} from ${taker} (${takerMac}) ${(garps[0].time - offAt).toFixed(2)} s after power off: ${garps.length} packets`,
        `  ${describePacket(garps[0])}`,
      );
    if (!taker || taker === master.name) problems.push(`V7: no standby took the VIP while ${master.name} was off`);
    else if (garps.length === 0)
      problems.push(
        `V7: no gratuitous ARP for ${lab.vip.address} from ${taker} (${takerMac}) while ${master.name} was off`,
      );
    // The Wireshark screenshots' story in one picture: each member's announcements over time.
    const chartEnd = Math.max(onAt, ...hb.map((p) => p.time)) + 0.5;
    const masterBack = fromMaster.find((p) => p.time > onAt)?.time ?? chartEnd;
    const packetChart = {
      title: `${said.describe(lab)} per balancer`,
      seconds: chartEnd - captureStart,
      series: balancers(lab).map((h) => ({
        label: h.name,
        times: said.from(hb, h, lab).map((p) => p.time - captureStart),
      })),
      marks: [
        { at: offAt - captureStart, label: `${master.name} powered off` },
        ...(garps[0] ? [{ at: garps[0].time - captureStart, label: `gratuitous ARP from ${taker}` }] : []),
        { at: onAt - captureStart, label: `${master.name} powered on` },
      ],
      spans: [{ from: offDone - captureStart, to: masterBack - captureStart, label: `${master.name} silent` }],
    };
    return {
      packetChart,
      pcaps: [basename(hbFile), basename(lanFile)],
      passed: problems.length === 0,
      summary:
        problems.length === 0
          ? `${
              said.sentBy === 'every member'
                ? `heartbeats from ${balancers(lab)
                    .map((h) => h.heartbeat)
                    .join(' and ')}`
                : `announcements from ${master.name}`
            } ${every}; ${master.name} silent while off; ${taker} announced ${lab.vip.address} by gratuitous ARP ${(garps[0]!.time - offAt).toFixed(2)} s after power off`
          : problems.join('; '),
      evidence,
    };
  },
};
