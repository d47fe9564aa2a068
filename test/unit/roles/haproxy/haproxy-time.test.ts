// HAProxy's time values (lib/lab/haproxy-time.ts), read once for the definition, the roles and the checks.
import { describe, expect, it } from 'vitest';

describe('HAProxy times', () => {
  it('reads the units HAProxy accepts', async () => {
    const { haproxyTimeMs: haproxyMs } = await import('../../../../roles/haproxy/haproxy-time.ts');
    expect(haproxyMs('5s')).toBe(5000);
    expect(haproxyMs('500ms')).toBe(500);
    expect(haproxyMs('1m')).toBe(60_000);
    expect(haproxyMs('250')).toBe(250);
    expect(() => haproxyMs('5 s')).toThrow(/not an HAProxy time/);
  });
});
