// What each provider offers of the contract's optional steps (lib/providers/provider.ts): the
// callers ask for the step, never for the provider's name.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { createProvider } from '../../../lib/providers/select-provider.ts';
import { labStateDir } from '../../../lib/farm/lab-state-dir.ts';
import { TUTORIAL_LAB } from '../../helpers/cli.ts';

const lab = loadLab(TUTORIAL_LAB);
const state = labStateDir('/nonexistent/state');
const cacheHome = process.env.XDG_CACHE_HOME;

afterEach(() => {
  if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheHome;
});

describe('the namespace provider', () => {
  it('offers lab:verify its client namespace and its bridges on this host', () => {
    const vantage = createProvider('netns', lab, state).hostVantage?.();
    expect(vantage?.clientNamespace).toBe('hf-swap-client');
    expect(vantage?.captureInterface('lan')).toBe('hswap-lan');
    expect(vantage?.captureInterface('heartbeat')).toBe('hswap-hb');
  });

  it('says after destroy that it keeps the base images, with their size, when there are any', () => {
    const home = mkdtempSync(join(tmpdir(), 'hafarm-cache-home-'));
    try {
      process.env.XDG_CACHE_HOME = home;
      const provider = createProvider('netns', lab, state);
      expect(provider.keptAfterDestroy?.()).toBeUndefined();
      mkdirSync(join(home, 'hafarm', 'rootfs-x'), { recursive: true });
      writeFileSync(join(home, 'hafarm', 'rootfs-x', 'big'), Buffer.alloc(3 * 2 ** 20, 1));
      expect(provider.keptAfterDestroy?.()).toBe(
        `the base images in ${join(home, 'hafarm')} (3 MiB), shared by every netns lab of this host; delete that folder once none is left`,
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('can prepare the host (npm run lab) and boots without a notice', () => {
    const provider = createProvider('netns', lab, state);
    expect(provider.prepareHost).toBeTypeOf('function');
    expect(provider.upNotice?.()).toBeUndefined();
  });
});

describe('the Vagrant providers', () => {
  it('offer no vantage on this host, keep nothing after destroy and prepare nothing', () => {
    for (const name of ['virtualbox', 'libvirt'] as const) {
      const provider = createProvider(name, lab, state);
      expect(provider.hostVantage?.()).toBeUndefined();
      expect(provider.keptAfterDestroy?.()).toBeUndefined();
      expect(provider.prepareHost).toBeUndefined();
    }
  });

  it('say before up that machines under QEMU emulation boot slowly, on libvirt with box.libvirt_driver: qemu only', () => {
    const emulated = { ...lab, box: { ...lab.box, libvirtDriver: 'qemu' as const } };
    expect(createProvider('libvirt', emulated, state).upNotice?.()).toBe(
      "the machines run under QEMU's software emulation (box.libvirt_driver: qemu), booted one at a time: minutes per machine",
    );
    expect(createProvider('libvirt', lab, state).upNotice?.()).toBeUndefined();
    expect(createProvider('virtualbox', emulated, state).upNotice?.()).toBeUndefined();
  });
});
