// The providers' one list (lib/providers/registry.ts): every name a definition may choose is
// registered once, in the order "auto" tries them, and lab:render gets the files they write.
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { PROVIDERS, providerFiles, providerNames } from '../../../lib/providers/registry.ts';
import { AUTO_ORDER, createProvider } from '../../../lib/providers/select-provider.ts';
import { renderVagrantfile } from '../../../lib/providers/vagrant/vagrantfile.ts';
import { labStateDir } from '../../../lib/farm/lab-state-dir.ts';
import { TUTORIAL_LAB } from '../../helpers/cli.ts';

const lab = loadLab(TUTORIAL_LAB);

describe('the provider registry', () => {
  it('registers each provider a definition may name, once; auto tries all but those chosen only by name', () => {
    expect(PROVIDERS.map((p) => p.name)).toEqual(['virtualbox', 'libvirt', 'netns', 'docker', 'existing']);
    expect(providerNames()).toEqual(PROVIDERS.map((p) => p.name));
    // machines that already exist are never "auto"'s pick: it would make none
    expect(AUTO_ORDER).toEqual(['virtualbox', 'libvirt', 'netns', 'docker']);
  });

  it('makes the provider registered under a name', () => {
    const state = labStateDir('/nonexistent/state');
    for (const name of AUTO_ORDER) expect(createProvider(name, lab, state).name).toBe(name);
  });

  it('gives lab:render the Vagrantfile once, though VirtualBox and libvirt both write it', () => {
    expect(providerFiles(lab)).toEqual([{ name: 'Vagrantfile', content: renderVagrantfile(lab) }]);
  });
});
