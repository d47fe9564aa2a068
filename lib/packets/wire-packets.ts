// What V7 looks for on the LAN whatever the HA stack: the new holder's gratuitous ARP for the VIP.
// (The stack's own announcements are the stack's: lib/ha/<stack>/.)
import type { Packet } from './pcap.ts';

/** Gratuitous ARP for an address: a request or reply that the address itself sends about itself. */
export function gratuitousArps(packets: Packet[], address: string): Packet[] {
  return packets.filter(
    (p) =>
      p.arp?.senderIp === address && (p.arp.op === 'reply' || (p.arp.op === 'request' && p.arp.targetIp === address)),
  );
}

/** Every ARP packet that says where an address is (its sender is the address): answers, announcements, its own asking. */
export function arpsFrom(packets: Packet[], address: string): Packet[] {
  return packets.filter((p) => p.arp?.senderIp === address);
}

/** How many of those packets each MAC sent: two MACs for one address is two machines claiming it. */
export function macsClaiming(packets: Packet[], address: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of arpsFrom(packets, address)) counts.set(p.arp!.senderMac, (counts.get(p.arp!.senderMac) ?? 0) + 1);
  return counts;
}
