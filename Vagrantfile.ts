#!/usr/bin/env -S npx tsx
// The Vagrantfile, written in TypeScript: what a Vagrant user looks for at the root. It prints
// the Vagrantfile hafarm generates from a lab definition (T1: every machine, its LAN and
// heartbeat adapters, the tutorial's addresses) for VirtualBox and libvirt alike:
//
//   npx tsx Vagrantfile.ts [lab.yaml] > Vagrantfile
//
// The generator itself is the Vagrant providers' (lib/providers/vagrant/vagrantfile.ts, with its
// template beside it), so `lab:up`, `lab:render` and this file write the same bytes. lab:up keeps
// its Vagrantfile in the lab's state folder (.lab/Vagrantfile) and runs vagrant there.
import { reportError } from './lib/cli/report-error.ts';
import { loadLab } from './lib/farm/load-lab.ts';
import { DEFAULT_LAB_FILE } from './lib/lab/load.ts';
import { renderVagrantfile } from './lib/providers/vagrant/vagrantfile.ts';

const [definition = DEFAULT_LAB_FILE, ...extra] = process.argv.slice(2);
try {
  if (extra.length > 0 || definition.startsWith('-')) {
    console.error(
      'usage: npx tsx Vagrantfile.ts [LAB_DEFINITION]   (default: lab.yaml; the Vagrantfile goes to stdout)',
    );
    process.exitCode = 2;
  } else {
    process.stdout.write(renderVagrantfile(loadLab(definition)));
  }
} catch (error) {
  process.exitCode = reportError(error);
}
