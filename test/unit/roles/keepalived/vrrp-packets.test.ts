// VRRP advertisements decoded from their bytes (lib/ha/keepalived/vrrp-packets.ts), as RFC 3768
// (version 2) and RFC 5798 (version 3) lay them out.
import { describe, expect, it } from 'vitest';
import { decodeVrrp } from '../../../../roles/keepalived/vrrp-packets.ts';

describe('VRRP advertisements', () => {
  it('reads version 2: whole seconds in byte 5, then the addresses and 8 bytes of authentication', () => {
    const bytes = Buffer.from([0x21, 51, 150, 1, 1, 1, 0xab, 0xcd, 192, 168, 1, 100, ...Buffer.from('Ab3dE6gH')]);
    expect(decodeVrrp(bytes)).toEqual({
      version: 2,
      vrid: 51,
      priority: 150,
      intervalSeconds: 1,
      addresses: ['192.168.1.100'],
    });
  });

  it('reads version 3: centiseconds in the low 12 bits of bytes 4 and 5', () => {
    const bytes = Buffer.from([0x31, 7, 100, 2, 0x00, 10, 0, 0, 192, 168, 1, 100, 192, 168, 1, 99]);
    expect(decodeVrrp(bytes)).toEqual({
      version: 3,
      vrid: 7,
      priority: 100,
      intervalSeconds: 0.1,
      addresses: ['192.168.1.100', '192.168.1.99'],
    });
    expect(decodeVrrp(Buffer.from([0x31, 7, 100, 0, 0x0f, 0xff, 0, 0]))!.intervalSeconds).toBe(40.95);
  });

  it('is no advertisement when the version, the type or the length says otherwise', () => {
    expect(decodeVrrp(Buffer.from([0x41, 51, 150, 0, 1, 1, 0, 0]))).toBeUndefined();
    expect(decodeVrrp(Buffer.from([0x22, 51, 150, 0, 1, 1, 0, 0]))).toBeUndefined();
    expect(decodeVrrp(Buffer.from([0x21, 51, 150, 2, 1, 1, 0, 0, 192, 168, 1, 100]))).toBeUndefined();
    expect(decodeVrrp(Buffer.from([0x21, 51]))).toBeUndefined();
  });
});
