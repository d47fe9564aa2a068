// The stats password of a farm built by hand (issue 29): the student's `stats auth` line for the
// definition's user, comments cut off, another user's line never taken.
import { describe, expect, it } from 'vitest';
import { statsPasswordIn } from '../../../../roles/haproxy/stats-credentials.ts';

describe("the statistics page's password in a student's haproxy.cfg", () => {
  it("is the tutorial's line for the user, its comment cut off", () => {
    const config =
      'listen web-cluster\n    stats enable\n    stats auth admin:password # Aquí ponemos nuestro usuario y contraseña\n';
    expect(statsPasswordIn(config, 'admin')).toBe('password');
  });

  it("is the line of the definition's user among several, a colon in the password kept", () => {
    const config = '  stats auth usuario:usuario\n\tstats\tauth\tadmin:pa:ss\n';
    expect(statsPasswordIn(config, 'admin')).toBe('pa:ss');
    expect(statsPasswordIn(config, 'usuario')).toBe('usuario');
  });

  it('is none when no line gives it', () => {
    expect(statsPasswordIn('stats enable\n# stats auth admin:old\n', 'admin')).toBeUndefined();
    expect(statsPasswordIn('stats auth root:x\nstats auth admin\n', 'admin')).toBeUndefined();
    expect(statsPasswordIn('', 'admin')).toBeUndefined();
  });
});
