// What V7 looks for on the LAN whatever the HA stack: the new holder's gratuitous ARP for the VIP.
// (The stack's own announcements are the stack's: lib/ha/<stack>/.)
import type { Packet } from './pcap.ts';

/** Gratuitous ARP for an address: a request or reply that the address itself sends about itself. */
export function gratuitousArps(packets: Packet[], address: string): Packet[] {
  return packets.filter((p) => p.arp?.senderIp === address && (p.arp.op === 'reply' || (p.arp.op === 'request' && p.arp.targetIp === address)));
}
