// What V6/V7 look for in the captures: Heartbeat's UDP broadcasts and gratuitous ARP.
import type { Packet } from './pcap.ts';

/** Heartbeat packets (UDP broadcasts to its port, from any source port) sent from one address. */
export function heartbeatsFrom(packets: Packet[], address: string, broadcastAddress: string, port: number): Packet[] {
  return packets.filter((p) => p.ipv4?.src === address && p.ipv4.dst === broadcastAddress && p.udp?.dstPort === port);
}

/** Gratuitous ARP for an address: a request or reply that the address itself sends about itself. */
export function gratuitousArps(packets: Packet[], address: string): Packet[] {
  return packets.filter((p) => p.arp?.senderIp === address && (p.arp.op === 'reply' || (p.arp.op === 'request' && p.arp.targetIp === address)));
}
