// The running machines of an up lab for lab:ssh-config and lab:inventory, with a note for each
// machine left out (not running) or that OpenSSH cannot check yet (no host key recorded).
import { KnownHosts } from '../engine/ssh/known-hosts.ts';
import { printable } from '../printable.ts';
import type { OutsideLab, OutsideMachine } from '../outside/outside-lab.ts';
import type { LabProvider } from '../providers/provider.ts';
import { UserFacingError } from '../user-facing-error.ts';
import { KNOWN_HOSTS_FILE } from './commands/provision.ts';
import type { LabContext } from './lab-options.ts';

export async function outsideLab(
  context: LabContext & { provider: LabProvider },
  note: (line: string) => void,
): Promise<OutsideLab> {
  const { lab, state, provider } = context;
  const endpoints = await provider.sshEndpoints();
  const knownHostsFile = state.path(KNOWN_HOSTS_FILE);
  const recorded = new KnownHosts(knownHostsFile).recordedHosts();
  const machines: OutsideMachine[] = [];
  for (const host of lab.hosts) {
    const endpoint = endpoints.get(host.name);
    if (!endpoint) {
      note(`${host.name} is not running: left out (npm run lab:start -- ${host.name}, then run this again)`);
      continue;
    }
    if (!recorded.has(host.name)) {
      note(
        `${host.name}: no host key recorded in ${printable(knownHostsFile)} yet: ssh refuses it (StrictHostKeyChecking yes) ` +
          `until hafarm records it on first contact, as lab:provision does: npm run lab:exec -- ${host.name} true`,
      );
    }
    machines.push({ host, endpoint });
  }
  if (machines.length === 0)
    throw new UserFacingError(
      `no machine of lab "${lab.name}" is running: nothing to write (npm run lab:start -- HOST)`,
    );
  return { lab, provider: provider.name, knownHostsFile, machines };
}

/** A note on stderr, apart from the config on stdout. */
export function noteOnStderr(line: string): void {
  console.error(`note: ${line}`);
}
