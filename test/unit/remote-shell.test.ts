// lab:exec hands the machine exactly the argv typed; one argument is a shell line (issue 12).
import { describe, expect, it } from 'vitest';
import { remoteCommandLine } from '../../lib/cli/commands/remote-shell.ts';

describe('the command line lab:exec sends', () => {
  it('quotes each of several arguments, so the quoting typed survives', () => {
    expect(remoteCommandLine(['sh', '-c', 'echo x >> f'])).toBe(`sh -c 'echo x >> f'`);
    expect(remoteCommandLine(['grep', "it's dead", '/var/log/ha-log'])).toBe(`grep 'it'\\''s dead' /var/log/ha-log`);
    expect(remoteCommandLine(['printf', '%s\\n', '$HOME'])).toBe(`printf '%s\\n' '$HOME'`);
  });

  it('runs one argument as the shell line it is', () => {
    expect(remoteCommandLine(['tail /var/log/ha-log | grep dead'])).toBe('tail /var/log/ha-log | grep dead');
  });
});
