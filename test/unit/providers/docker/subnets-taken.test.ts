// A lab subnet another network of the daemon has (lib/providers/docker/subnets-taken.ts).
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import { subnetProblems, type DaemonNetwork } from '../../../../lib/providers/docker/subnets-taken.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';

const lab = loadLab(TUTORIAL_LAB);
const network = (Name: string, Subnet: string, Labels: Record<string, string> | null = null): DaemonNetwork => ({
  Name,
  IPAM: { Config: [{ Subnet }] },
  Labels,
});

describe('a lab subnet another Docker network has', () => {
  it('is named, every one at once, with the field and who owns the other network', () => {
    expect(
      subnetProblems(lab, '/labs/b', [
        network('hafarm-swap-lan', '192.168.1.0/24', { 'org.hafarm.lab': 'swap', 'org.hafarm.state': '/labs/a' }),
        network('mine', '10.100.0.0/16'),
        network('bridge', '172.17.0.0/16'),
        { Name: 'none', IPAM: { Config: null }, Labels: null },
      ]),
    ).toEqual([
      'networks.lan.cidr 192.168.1.0/24 overlaps 192.168.1.0/24 of the Docker network hafarm-swap-lan (lab "swap" of state folder /labs/a)',
      'networks.heartbeat.cidr 10.100.100.0/24 overlaps 10.100.0.0/16 of the Docker network mine (not made by hafarm)',
    ]);
  });

  it("is no problem when the network is this state folder's own (lab:up again)", () => {
    const own = { 'org.hafarm.lab': lab.name, 'org.hafarm.state': '/labs/a' };
    expect(subnetProblems(lab, '/labs/a', [network('hafarm-swap-lan', '192.168.1.0/24', own)])).toEqual([]);
  });
});
