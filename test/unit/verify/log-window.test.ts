// The log window (lib/verify/log-window.ts): a machine that does not say a file's size stops the
// check, in the run's language, with what the machine said quoted as it is.
import { describe, expect, it } from 'vitest';
import { english, speaker } from '../../../lib/said.ts';
import type { Machines } from '../../../lib/verify/check.ts';
import { markLog, unreadableSize } from '../../../lib/verify/log-window.ts';

/** A machine whose every command prints stdout. */
const saying = (stdout: string): Pick<Machines, 'exec'> => ({
  exec: async () => ({ stdout, stderr: '', code: 0, stdoutBytes: Buffer.from(stdout) }),
});

describe('a log window', () => {
  it('opens at the size the machine says', async () => {
    expect(await markLog(saying('1234\n'), 'haproxy2', '/var/log/ha-log')).toEqual({
      host: 'haproxy2',
      file: '/var/log/ha-log',
      bytes: 1234,
    });
  });

  it('says why it cannot open, in English or Spanish', async () => {
    expect(unreadableSize('haproxy2', '/var/log/ha-log', 'oops', english)).toBe(
      'haproxy2: cannot read the size of /var/log/ha-log ("oops")',
    );
    await expect(markLog(saying('oops'), 'haproxy2', '/var/log/ha-log', speaker('es'))).rejects.toThrow(
      'haproxy2: no se puede leer el tamaño de /var/log/ha-log ("oops")',
    );
  });
});
