// Ctrl-C as the CLI handles it, with real signals to a real child process: the first signal is
// caught and the command cleans up; a second one ends the process at once.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../helpers/cli.ts';

// Stands for a command: says it is ready, reports the first signal, then takes 3 s to "clean up".
const SCRIPT = `
import { interruption } from ${JSON.stringify(join(PROJECT_DIR, 'lib/cli/interruption.ts'))};
const interrupt = interruption();
const busy = setInterval(() => undefined, 1000); // the command's work keeps the process alive
console.log('ready');
const signal = await interrupt.signal;
console.log('caught ' + signal);
await new Promise((r) => setTimeout(r, 3000));
interrupt.dispose();
clearInterval(busy);
console.log('cleaned up');
`;

function start() {
  return execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
    cwd: PROJECT_DIR,
    reject: false,
    stdin: 'ignore',
  });
}

async function untilSaid(child: ReturnType<typeof start>, text: string): Promise<void> {
  let said = '';
  await new Promise<void>((resolve) =>
    child.stdout!.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes(text)) resolve();
    }),
  );
}

describe('interruption', () => {
  it('catches the first signal and lets the command finish its clean-up', async () => {
    const child = start();
    await untilSaid(child, 'ready');
    child.kill('SIGTERM');
    const result = await child;
    expect(result.stdout).toBe('ready\ncaught SIGTERM\ncleaned up');
    expect(result.exitCode).toBe(0);
  }, 30_000);

  it('ends the process at once at a second signal', async () => {
    const child = start();
    await untilSaid(child, 'ready');
    child.kill('SIGINT');
    await untilSaid(child, 'caught SIGINT');
    const sent = Date.now();
    child.kill('SIGINT');
    const result = await child;
    expect(Date.now() - sent).toBeLessThan(2500);
    expect(result.signal).toBe('SIGINT');
    expect(result.stdout).not.toContain('cleaned up');
  }, 30_000);
});
