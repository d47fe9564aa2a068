import { describe, expect, it } from 'vitest';
import {
  broadcast,
  formatCidr,
  highestFreeAddress,
  isHostOf,
  isIpv4,
  netmask,
  overlaps,
  parseCidr,
  type Cidr,
} from '../../../lib/lab/ipv4.ts';

const cidr = (text: string) => parseCidr(text) as Cidr;

describe('ipv4', () => {
  it('accepts dotted quads and refuses anything else', () => {
    expect(isIpv4('192.168.1.100')).toBe(true);
    for (const bad of ['192.168.1', '192.168.1.256', '01.2.3.4', 'a.b.c.d', '1.2.3.4.5', ''])
      expect(isIpv4(bad)).toBe(false);
  });

  it('parses networks and says what is allowed when it cannot', () => {
    expect(cidr('192.168.1.0/24')).toEqual({ network: '192.168.1.0', prefix: 24 });
    expect(parseCidr('192.168.1.7/24')).toEqual({ error: expect.stringContaining('192.168.1.0/24') });
    expect(parseCidr('192.168.1.0')).toEqual({ error: expect.stringContaining('CIDR') });
    expect(parseCidr('10.0.0.0/31')).toEqual({ error: expect.stringContaining('/30') });
  });

  it('derives netmask and broadcast (Heartbeat bcast needs the broadcast address)', () => {
    expect(netmask(cidr('10.100.100.0/24'))).toBe('255.255.255.0');
    expect(broadcast(cidr('10.100.100.0/24'))).toBe('10.100.100.255');
    expect(netmask(cidr('172.16.0.0/12'))).toBe('255.240.0.0');
    expect(broadcast(cidr('172.16.0.0/12'))).toBe('172.31.255.255');
    expect(formatCidr(cidr('172.20.0.0/24'))).toBe('172.20.0.0/24');
  });

  it('knows host addresses from network and broadcast addresses', () => {
    const lan = cidr('192.168.1.0/24');
    expect(isHostOf(lan, '192.168.1.100')).toBe(true);
    expect(isHostOf(lan, '192.168.1.0')).toBe(false);
    expect(isHostOf(lan, '192.168.1.255')).toBe(false);
    expect(isHostOf(lan, '192.168.2.1')).toBe(false);
  });

  it('detects overlapping networks', () => {
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.100.100.0/24'))).toBe(true);
    expect(overlaps(cidr('192.168.1.0/24'), cidr('10.100.100.0/24'))).toBe(false);
  });

  it('finds the highest usable address not in use, or none', () => {
    expect(highestFreeAddress(cidr('10.0.0.0/30'), ['10.0.0.2'])).toBe('10.0.0.1');
    expect(highestFreeAddress(cidr('10.0.0.0/30'), ['10.0.0.1', '10.0.0.2'])).toBeUndefined();
    expect(highestFreeAddress(cidr('10.0.0.0/24'), ['10.0.0.254', '10.0.0.253'])).toBe('10.0.0.252');
  });
});
