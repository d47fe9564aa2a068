// Heartbeat's status packets as V6/V7 see them: UDP broadcasts to its port on the heartbeat
// network (`bcast` in ha.cf), from any source port.
import type { Packet } from '../../lib/packets/pcap.ts';

/** Heartbeat packets sent from one address to the broadcast address and port. */
export function heartbeatsFrom(packets: Packet[], address: string, broadcastAddress: string, port: number): Packet[] {
  return packets.filter((p) => p.ipv4?.src === address && p.ipv4.dst === broadcastAddress && p.udp?.dstPort === port);
}
