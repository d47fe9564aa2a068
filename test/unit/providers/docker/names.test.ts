// The Docker lab's names and where Docker's bridges sit on the lab networks (lib/providers/docker/names.ts).
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import { bridgeAddress, clientAddress, dockerNames } from '../../../../lib/providers/docker/names.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';

describe('Docker names', () => {
  it("prefixes every container and network with the lab's name", () => {
    const names = dockerNames(loadLab(TUTORIAL_LAB));
    expect(names.container('web1')).toBe(`${names.prefix}web1`);
    expect(names.network('heartbeat')).toBe(`${names.prefix}hb`);
    expect(names.prefix).toMatch(/^hafarm-[a-z0-9]+-$/);
  });

  it("places Docker's bridge on the highest address no machine has, never haproxy1's .1", () => {
    const lab = loadLab(TUTORIAL_LAB);
    expect(bridgeAddress(lab, 'heartbeat')).toBe('10.100.100.254');
    expect(bridgeAddress(lab, 'lan')).toBe('192.168.1.254');
  });

  it("puts the client container below Docker's bridge on the LAN, named so that no host's name meets it", () => {
    const lab = loadLab(TUTORIAL_LAB);
    expect(bridgeAddress(lab, 'lan')).toBe('192.168.1.254');
    expect(clientAddress(lab)).toBe('192.168.1.253');
    expect(dockerNames(lab).client).toBe(`hafarm-${lab.name}-lan.client`);
  });
});
