// libvirt on this host, as `npm run test:vms` runs it: vagrant-libvirt with the test's local
// Debian box (no Vagrant Cloud here), its storage pool and isolated management network, the
// machines' packages from the repository served on that network, and the machines under
// QEMU's software emulation (box.libvirt_driver: qemu) where KVM cannot run guests. A cold up
// uploads the box's image to the pool; memory is the PSS of the machine's QEMU process.
import { readFileSync } from 'node:fs';
import { command } from '../../lib/engine/ssh/shell-quote.ts';
import { ensureBaseImage } from '../../lib/providers/netns/base-image.ts';
import { ensureTestBox, removeBoxFromPool, TEST_BOX } from '../../test/helpers/libvirt-box.ts';
import {
  claimHost,
  prepareLibvirtHost,
  releaseHost,
  removeLibvirtLeftovers,
  removeMgmtNetwork,
  stopLibvirtDaemons,
  TEST_MGMT_NETWORK,
} from '../../test/helpers/libvirt-host.ts';
import { serveRepository, type RepoServer } from '../../test/helpers/package-repo-server.ts';
import { pssMiB, type BenchHost } from './bench-host.ts';

const NAME = 'bench';
const REPO_PORT = 8214;

export function libvirtBenchHost(): BenchHost {
  let repo: RepoServer | undefined;
  let claimed = false;
  return {
    describe: "libvirt, the machines under QEMU's software emulation (box.libvirt_driver: qemu), booted one at a time",
    labText: (tutorial) =>
      tutorial
        .replace(/^name: \w+$/m, `name: ${NAME}`)
        .replace(/^ {2}name: debian\/bookworm64$/m, `  name: ${TEST_BOX}`)
        .replace(/^ {2}cpus: 1$/m, '  cpus: 1\n  libvirt_driver: qemu'),
    async prepare(log) {
      claimHost();
      claimed = true;
      prepareLibvirtHost(log);
      await ensureTestBox(log);
      repo = await serveRepository((await ensureBaseImage(log)).repo, TEST_MGMT_NETWORK.hostAddress, REPO_PORT);
    },
    async forgetCache() {
      removeBoxFromPool();
      return 'box image uploaded to the pool';
    },
    async afterUp(shell, hosts) {
      const source = `deb [trusted=yes] ${repo!.url} ./`;
      for (const host of hosts)
        await shell.exec(
          host,
          command('sh', '-c', `rm -f /etc/apt/sources.list.d/*; echo ${command(source)} > /etc/apt/sources.list`),
        );
    },
    memoryMiB(lab, host) {
      const pid = Number(readFileSync(`/run/libvirt/qemu/${lab.name}-${host}.pid`, 'utf8').trim());
      return pssMiB([pid], (path) => readFileSync(path, 'utf8'));
    },
    memoryNote: 'PSS of its QEMU process (guest memory it touched included)',
    rounds: 3,
    caveat:
      "measured under QEMU's software emulation on this host (no KVM): every figure is many times what KVM or VirtualBox gives. Power figures count from the start of vagrant's command (halt --force, up), whose own time is in brackets.",
    async cleanup(log) {
      if (!claimed) return;
      removeLibvirtLeftovers(`${NAME}-`);
      await repo?.close();
      removeMgmtNetwork();
      stopLibvirtDaemons(log);
      releaseHost();
    },
  };
}
