// The bench's own lab: the tutorial's definition as the bench host rewrites it (its own name), a
// state folder in a scratch folder of its own, and the provider whose up, destroy and power
// switches run as the bench's host steps (bench-stop.ts). `cleanUp` removes all of it, whatever
// state the bench left it in, and undoes the host's preparation.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { releaseHeldConnections } from '../../lib/cli/held-connections.ts';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import { labStateDir } from '../../lib/farm/lab-state-dir.ts';
import { loadLab } from '../../lib/farm/load-lab.ts';
import type { Lab, ProviderName } from '../../lib/lab/model.ts';
import type { LabProvider } from '../../lib/providers/provider.ts';
import { createProvider } from '../../lib/providers/select-provider.ts';
import type { LabStateDir } from '../../lib/state/lab-state.ts';
import { labMachines, type LabMachines } from '../../lib/verify/transport/lab-machines.ts';
import type { BenchHost } from './bench-host.ts';
import type { BenchStop } from './bench-stop.ts';

export const TUTORIAL_LAB = new URL('../../lab.yaml', import.meta.url);

export interface BenchLab {
  work: string;
  labFile: string;
  lab: Lab;
  state: LabStateDir;
  /** its up, destroy and power switches are the bench's host steps */
  provider: LabProvider;
  knownHosts: KnownHosts;
  shell: LabMachines;
  /** the lab destroyed, the host's preparation undone, the scratch folder removed; kept, and said, when the destroy fails */
  cleanUp(log: (line: string) => void): Promise<void>;
}

export function benchLab(host: BenchHost, providerName: ProviderName, stop: BenchStop): BenchLab {
  const work = mkdtempSync(join(tmpdir(), 'hafarm-bench-'));
  const labFile = join(work, 'lab.yaml');
  writeFileSync(labFile, host.labText(readFileSync(TUTORIAL_LAB, 'utf8')));
  const lab = loadLab(labFile);
  const state = labStateDir(join(work, 'state'));
  const own = createProvider(providerName, lab, state);
  const provider = stop.guard(own, ['up', 'destroy', 'powerOn', 'powerOff', 'setLink']);
  const knownHosts = new KnownHosts(state.path('known_hosts'));
  const shell = labMachines(provider, knownHosts);
  return {
    work,
    labFile,
    lab,
    state,
    provider,
    knownHosts,
    shell,
    async cleanUp(log) {
      shell.closeAll();
      await releaseHeldConnections(state).catch(() => undefined);
      let destroyed = true;
      // the provider's own destroy, not the guarded one: it runs when the bench is stopping
      await own.destroy().catch((error: unknown) => {
        destroyed = false;
        log(
          `bench: destroying its lab failed: ${(error as Error).message}; its state is kept: npm run lab:destroy -- --lab ${labFile} --state ${state.dir}`,
        );
      });
      await host
        .cleanup(log)
        .catch((error: unknown) => log(`bench: cleaning up the host failed: ${(error as Error).message}`));
      if (!destroyed) return;
      state.removeOwnEntries();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
