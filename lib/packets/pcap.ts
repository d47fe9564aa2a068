// Reads the pcap files the captures write (libpcap format, as `tcpdump -w` writes it) in
// TypeScript, so V6/V7 are checked on any host: a student's macOS or Windows laptop has no
// tcpdump to read them back with. Only what the checks need is decoded: Ethernet, ARP,
// IPv4 and UDP; anything else is kept as a packet with just its time and MAC addresses. An IPv4
// packet keeps its payload, which an HA stack decodes itself (VRRP: lib/ha/keepalived/).

export interface ArpPart {
  op: 'request' | 'reply' | number;
  senderMac: string;
  senderIp: string;
  targetIp: string;
}

export interface Packet {
  /** seconds since the epoch, by the clock of the host that captured it */
  time: number;
  srcMac: string;
  dstMac: string;
  arp?: ArpPart;
  /** payload: what follows the IPv4 header, as far as the packet's total length and the capture go */
  ipv4?: { src: string; dst: string; protocol: number; ttl: number; payload: Buffer };
  udp?: { srcPort: number; dstPort: number; length: number };
}

export class PcapError extends Error {}

const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_VLAN = 0x8100;

function mac(data: Buffer, at: number): string {
  return [...data.subarray(at, at + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function ipv4(data: Buffer, at: number): string {
  return [...data.subarray(at, at + 4)].join('.');
}

function decodeFrame(time: number, frame: Buffer): Packet | undefined {
  if (frame.length < 14) return undefined;
  const packet: Packet = { time, dstMac: mac(frame, 0), srcMac: mac(frame, 6) };
  let at = 12;
  let type = frame.readUInt16BE(at);
  if (type === ETHERTYPE_VLAN && frame.length >= 18) {
    at += 4;
    type = frame.readUInt16BE(at);
  }
  const payload = frame.subarray(at + 2);
  if (type === ETHERTYPE_ARP && payload.length >= 28 && payload[4] === 6 && payload[5] === 4) {
    const op = payload.readUInt16BE(6);
    packet.arp = {
      op: op === 1 ? 'request' : op === 2 ? 'reply' : op,
      senderMac: mac(payload, 8),
      senderIp: ipv4(payload, 14),
      targetIp: ipv4(payload, 24),
    };
  } else if (type === ETHERTYPE_IPV4 && payload.length >= 20 && payload[0]! >> 4 === 4) {
    const headerLength = (payload[0]! & 0x0f) * 4;
    const protocol = payload[9]!;
    const totalLength = payload.readUInt16BE(2);
    // A total length of 0 is what segmentation offload leaves in a capture: the frame's end holds.
    const end = totalLength >= headerLength ? Math.min(payload.length, totalLength) : payload.length;
    const body = payload.subarray(headerLength, end);
    packet.ipv4 = { src: ipv4(payload, 12), dst: ipv4(payload, 16), protocol, ttl: payload[8]!, payload: body };
    if (protocol === 17 && body.length >= 8)
      packet.udp = { srcPort: body.readUInt16BE(0), dstPort: body.readUInt16BE(2), length: body.readUInt16BE(4) - 8 };
  }
  return packet;
}

/**
 * The packets of a pcap file. A record cut short at the end (the capture was stopped, or the
 * machine writing it powered off, mid-packet) is dropped; anything else malformed is an error.
 */
export function parsePcap(data: Buffer, name = 'pcap'): Packet[] {
  if (data.length < 24) {
    if (data.length === 0) return [];
    throw new PcapError(`${name}: not a pcap file (${data.length} bytes, shorter than its header)`);
  }
  const magic = data.readUInt32LE(0);
  let little: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) little = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) little = false;
  else if (magic === 0x0a0d0d0a)
    throw new PcapError(`${name}: pcapng is not read here; write the capture with tcpdump -w (pcap)`);
  else throw new PcapError(`${name}: not a pcap file (magic 0x${magic.toString(16)})`);
  const fraction = magic === 0xa1b23c4d || magic === 0x4d3cb2a1 ? 1e9 : 1e6;
  const u32 = (at: number) => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const linktype = u32(20) & 0x0fffffff;
  if (linktype !== LINKTYPE_ETHERNET)
    throw new PcapError(
      `${name}: link type ${linktype} is not read here (Ethernet captures only: capture one interface, not "any")`,
    );
  const packets: Packet[] = [];
  let at = 24;
  while (at + 16 <= data.length) {
    const time = u32(at) + u32(at + 4) / fraction;
    const length = u32(at + 8);
    if (length > 262_144)
      throw new PcapError(`${name}: record at byte ${at} claims ${length} bytes: the file is damaged`);
    if (at + 16 + length > data.length) break;
    const packet = decodeFrame(time, data.subarray(at + 16, at + 16 + length));
    if (packet) packets.push(packet);
    at += 16 + length;
  }
  return packets;
}

/** One line per packet, in tcpdump's words, for the report's evidence. */
export function describePacket(packet: Packet): string {
  const time = new Date(packet.time * 1000).toISOString().slice(11, 23);
  const head = `${time} ${packet.srcMac} > ${packet.dstMac}`;
  if (packet.arp) {
    const { op, senderIp, targetIp, senderMac } = packet.arp;
    if (op === 'request') return `${head}, ARP, Request who-has ${targetIp} tell ${senderIp}`;
    if (op === 'reply') return `${head}, ARP, Reply ${senderIp} is-at ${senderMac}`;
    return `${head}, ARP, op ${op}`;
  }
  if (packet.udp && packet.ipv4)
    return `${head}, IPv4 ${packet.ipv4.src}.${packet.udp.srcPort} > ${packet.ipv4.dst}.${packet.udp.dstPort}: UDP, length ${packet.udp.length}`;
  if (packet.ipv4) return `${head}, IPv4 ${packet.ipv4.src} > ${packet.ipv4.dst}: protocol ${packet.ipv4.protocol}`;
  return head;
}
