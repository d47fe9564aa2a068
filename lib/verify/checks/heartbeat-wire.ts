// V6 and V7, as the tutorial showed them in Wireshark: captures of the heartbeat network and
// the LAN while the master is powered off and on again. V6: UDP broadcasts to the Heartbeat
// port from every balancer, about one a second each. V7: the master's stop while it is off,
// and a gratuitous ARP for the VIP from the standby that takes over. The pcaps are kept.
import { basename, join } from 'node:path';
import { broadcast } from '../../lab/ipv4.ts';
import { balancers, masterBalancer } from '../../lab/model.ts';
import type { Check, VerifyContext } from '../check.ts';
import { describePacket, type Packet } from '../pcap.ts';
import { gratuitousArps, heartbeatsFrom } from '../wire-packets.ts';
import { waitUntil } from '../steady-load.ts';
import { vipHolder } from '../vip.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Share of whole seconds in [from, to) that saw at least one of the packets. */
function coverage(packets: Packet[], from: number, to: number): number {
  const seconds = Math.max(1, Math.floor(to - from));
  const seen = new Set(packets.filter((p) => p.time >= from && p.time < to).map((p) => Math.floor(p.time - from)));
  return seen.size / seconds;
}

async function macOf(ctx: VerifyContext, host: string, address: string): Promise<string> {
  const iface = await ctx.machines.interfaceWith(host, address);
  return (await ctx.machines.exec(host, `cat /sys/class/net/${iface}/address`)).stdout.trim();
}

export const heartbeatWireCheck: Check = {
  id: 'V6',
  also: ['V7'],
  title: 'heartbeats on the wire, master silent and takeover announced (V6, V7)',
  async run(ctx) {
    const { lab } = ctx;
    const master = masterBalancer(lab);
    const port = lab.heartbeat.udpport;
    const bcast = broadcast(lab.networks.heartbeat.cidr);
    const ready = await waitUntil(async () => (await vipHolder(ctx)) === master.name, 60_000, 250);
    if (ready === undefined) return { passed: false, summary: `${master.name} does not hold the VIP to begin with`, evidence: [] };
    const macs = new Map<string, string>();
    for (const h of balancers(lab)) macs.set(h.name, await macOf(ctx, h.name, h.lan));

    const hbFile = join(ctx.wire.reportDir, 'heartbeat.pcap');
    const lanFile = join(ctx.wire.reportDir, 'lan-arp.pcap');
    const hbCapture = await ctx.wire.capture('heartbeat', hbFile, `udp port ${port}`);
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
      await sleep(5000);
      offAt = Date.now() / 1000;
      await ctx.machines.powerOff(master.name);
      offDone = Date.now() / 1000;
      await waitUntil(async () => {
        taker = await vipHolder(ctx);
        return taker !== undefined;
      }, 60_000, 250);
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
    const captureStart = hb[0]?.time ?? offAt - 5;
    const problems: string[] = [];
    const evidence: string[] = [`pcaps: ${hbFile} (captured on ${hbCapture.source}), ${lanFile} (on ${lanCapture.source}); open them in Wireshark`];
    for (const h of balancers(lab)) {
      const sent = heartbeatsFrom(hb, h.heartbeat!, bcast, port);
      const share = coverage(sent, Math.max(captureStart, offAt - 4), offAt);
      evidence.push(`${h.heartbeat} → ${bcast}:${port}: ${sent.filter((p) => p.time < offAt).length} packets in the ${(offAt - Math.max(captureStart, offAt - 4)).toFixed(0)} s before power off, in ${(share * 100).toFixed(0)}% of the seconds`);
      if (sent[0]) evidence.push(`  ${describePacket(sent[0])}`);
      if (share < 0.75) problems.push(`V6: ${h.name} broadcast heartbeats in only ${(share * 100).toFixed(0)}% of the seconds before power off`);
    }
    const fromMaster = heartbeatsFrom(hb, master.heartbeat!, bcast, port);
    const silentWhileOff = fromMaster.filter((p) => p.time > offDone + 0.2 && p.time < onAt);
    evidence.push(`${master.heartbeat} while off (${(onAt - offDone).toFixed(1)} s): ${silentWhileOff.length} packets`);
    if (silentWhileOff.length > 0) problems.push(`V7: ${master.name} kept sending while powered off`);
    const takerMac = taker ? macs.get(taker) : undefined;
    const garps = gratuitousArps(arp, lab.vip.address).filter((p) => p.time > offAt && p.time < onAt && p.srcMac === takerMac);
    if (garps[0]) evidence.push(`gratuitous ARP for ${lab.vip.address} from ${taker} (${takerMac}) ${(garps[0].time - offAt).toFixed(2)} s after power off: ${garps.length} packets`, `  ${describePacket(garps[0])}`);
    if (!taker || taker === master.name) problems.push(`V7: no standby took the VIP while ${master.name} was off`);
    else if (garps.length === 0) problems.push(`V7: no gratuitous ARP for ${lab.vip.address} from ${taker} (${takerMac}) while ${master.name} was off`);
    return {
      pcaps: [basename(hbFile), basename(lanFile)],
      passed: problems.length === 0,
      summary:
        problems.length === 0
          ? `heartbeats from ${balancers(lab).map((h) => h.heartbeat).join(' and ')} every second; ${master.name} silent while off; ${taker} announced ${lab.vip.address} by gratuitous ARP ${(garps[0]!.time - offAt).toFixed(2)} s after power off`
          : problems.join('; '),
      evidence,
    };
  },
};
