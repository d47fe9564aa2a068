// A machine's power switched by the user's own command (VBoxManage, virsh, a lab PC's tool), run
// on this computer as the argument list the definition gives: never through a shell, bounded in
// time, its failure said with what the command printed.
import { UserFacingError } from '../../user-facing-error.ts';
import { execute } from '../run-program.ts';

const POWER_TIMEOUT_MS = 120_000;
const SAID_CHARS = 300;

export class PowerCommandFailed extends UserFacingError {
  override name = 'PowerCommandFailed';
}

/** What a program printed, as one printable line of bounded length. */
function oneLine(text: string): string {
  const line = text.replace(/\p{Cc}+/gu, ' ').trim();
  return line.length > SAID_CHARS ? `${line.slice(0, SAID_CHARS)}…` : line;
}

export async function runPowerCommand(host: string, which: 'off' | 'on', argv: readonly string[]): Promise<void> {
  const [program, ...args] = argv;
  const shown = oneLine(argv.join(' '));
  // SIGKILL at the limit: a command that ignores SIGTERM must not hold the checks forever
  const outcome = await execute(program!, args, { timeoutMs: POWER_TIMEOUT_MS, killSignal: 'SIGKILL' });
  if (outcome.exitCode === 0) return;
  const why = outcome.error ?? `exit status ${outcome.exitCode ?? 'none'}`;
  const said = oneLine(outcome.stderr || outcome.stdout);
  throw new PowerCommandFailed(
    `${host}: its power-${which} command (existing.${host}.power.${which}: ${shown}) failed: ${why}${said ? `: ${said}` : ''}`,
  );
}
