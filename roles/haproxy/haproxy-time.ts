// HAProxy's time values (`timeout connect 5s`): a number and a unit, in milliseconds at most
// 2^31 - 1 (about 24.8 days); past that `haproxy -c` fails with "timer overflow".
export const HAPROXY_TIME_PATTERN = /^(\d{1,16})(us|ms|s|m|h|d)?$/;
export const MAX_HAPROXY_TIME_MS = 2 ** 31 - 1;

const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a time value matching HAPROXY_TIME_PATTERN (no unit is milliseconds). */
export function haproxyTimeMs(text: string): number {
  const match = HAPROXY_TIME_PATTERN.exec(text);
  if (!match) throw new Error(`not an HAProxy time: ${text}`);
  return Number(match[1]) * MS_PER_UNIT[match[2] ?? 'ms']!;
}
