// VRRP advertisements as V6/V7 see them (RFC 3768 for version 2, RFC 5798 for version 3): IP
// protocol 112 to 224.0.0.18 with TTL 255, a header naming the router id, the sender's priority,
// the advertisement interval and the virtual addresses.
import type { Packet } from '../../lib/packets/pcap.ts';

export const VRRP_PROTOCOL = 112;
export const VRRP_GROUP = '224.0.0.18';

export interface VrrpAdvert {
  version: 2 | 3;
  vrid: number;
  priority: number;
  /** seconds (VRRPv2 carries whole seconds, VRRPv3 centiseconds) */
  intervalSeconds: number;
  addresses: string[];
}

/** A VRRP advertisement's header, or undefined when the bytes are not one. */
export function decodeVrrp(payload: Buffer): VrrpAdvert | undefined {
  if (payload.length < 8) return undefined;
  const version = payload[0]! >> 4;
  const type = payload[0]! & 0x0f;
  if ((version !== 2 && version !== 3) || type !== 1) return undefined;
  const count = payload[3]!;
  if (payload.length < 8 + 4 * count) return undefined;
  const addresses = Array.from({ length: count }, (_, i) => [...payload.subarray(8 + 4 * i, 12 + 4 * i)].join('.'));
  const intervalSeconds = version === 2 ? payload[5]! : (payload.readUInt16BE(4) & 0x0fff) / 100;
  return { version, vrid: payload[1]!, priority: payload[2]!, intervalSeconds, addresses };
}

/** The advertisements one member sent for one virtual router, with what they say. */
export function vrrpAdvertsFrom(
  packets: Packet[],
  address: string,
  vrid: number,
): Array<{ packet: Packet; advert: VrrpAdvert }> {
  return packets.flatMap((packet) => {
    const ip = packet.ipv4;
    if (!ip || ip.protocol !== VRRP_PROTOCOL || ip.src !== address || ip.dst !== VRRP_GROUP || ip.ttl !== 255)
      return [];
    const advert = decodeVrrp(ip.payload);
    return advert && advert.vrid === vrid ? [{ packet, advert }] : [];
  });
}
