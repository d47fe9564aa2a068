// The namespace provider's pure parts: resource names within the kernel's limits and never
// shared between labs, the management subnet clear of the host's routes, the client address.
import { describe, expect, it } from 'vitest';
import { loadLab, parseLab } from '../../../../lib/farm/load-lab.ts';
import { formatCidr } from '../../../../lib/lab/ipv4.ts';
import { chooseMgmtSubnet, routeNetworks } from '../../../../lib/providers/netns/mgmt-subnet.ts';
import { netnsNames } from '../../../../lib/providers/netns/names.ts';
import { mgmtHostAddress, mgmtMachineAddress } from '../../../../lib/providers/netns/wiring.ts';
import { MAX_HOSTS } from '../../../../lib/providers/netns/definition-rules.ts';
import { clientAddress } from '../../../../lib/providers/netns/netns-provider.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';
import { readFileSync } from 'node:fs';

const tutorial = loadLab(TUTORIAL_LAB);
const named = (name: string) =>
  parseLab(readFileSync(TUTORIAL_LAB, 'utf8').replace(/^name: \w+$/m, `name: ${name}`), '/x/lab.yaml');

describe('resource names', () => {
  it('fit the 15 characters of an interface name, for the longest lab name and many hosts', () => {
    const names = netnsNames(named('abcdefgh'));
    for (const link of [
      names.bridge('lan'),
      names.bridge('heartbeat'),
      names.bridge('mgmt'),
      names.veth(MAX_HOSTS - 1, 2),
      names.clientVeth,
    ]) {
      expect(link.length, link).toBeLessThanOrEqual(15);
      expect(link.startsWith(names.linkPrefix)).toBe(true);
    }
  });

  it('never let one lab’s prefix match another lab’s resources', () => {
    const swap = netnsNames(named('swap'));
    const swap2 = netnsNames(named('swap2'));
    for (const resource of [swap2.bridge('lan'), swap2.veth(0, 1), swap2.clientVeth])
      expect(resource.startsWith(swap.linkPrefix)).toBe(false);
    expect(swap2.namespace('web1').startsWith(swap.nsPrefix)).toBe(false);
    expect(swap.namespace('web1')).toBe('hf-swap-web1');
  });
});

describe('management subnet', () => {
  it('reads the host routes and avoids them and the lab networks', () => {
    const routes = routeNetworks(
      JSON.stringify([{ dst: 'default' }, { dst: '10.213.0.0/16' }, { dst: '192.168.1.0/24' }, { dst: '10.0.0.5' }]),
    );
    expect(routes.map(formatCidr)).toEqual(['10.213.0.0/16', '192.168.1.0/24', '10.0.0.5/32']);
    expect(() => chooseMgmtSubnet(tutorial, routes)).toThrow(/no free \/24/);
    const some = routeNetworks(JSON.stringify([{ dst: '10.213.0.0/17' }]));
    expect(chooseMgmtSubnet(tutorial, some).network).toMatch(/^10\.213\.(12[89]|1[3-9]\d|2\d\d)\.0$/);
  });

  it('holds a management address for each of the most hosts a definition may have, and no more', () => {
    const mgmt = { network: '10.213.7.0', prefix: 24 };
    expect(mgmtHostAddress(mgmt)).toBe('10.213.7.1');
    expect(mgmtMachineAddress(mgmt, 0)).toBe('10.213.7.10');
    expect(mgmtMachineAddress(mgmt, MAX_HOSTS - 1)).toBe('10.213.7.254');
  });

  it('is stable for a lab and differs between labs', () => {
    expect(chooseMgmtSubnet(tutorial, [])).toEqual(chooseMgmtSubnet(tutorial, []));
    expect(chooseMgmtSubnet(named('other'), [])).not.toEqual(chooseMgmtSubnet(tutorial, []));
  });
});

describe('client address', () => {
  it('is the highest LAN address no host, gateway or VIP uses', () => {
    expect(clientAddress(tutorial)).toBe('192.168.1.254');
  });
});

describe('the base image cache', () => {
  it('reports its size on disk, nested folders included, and 0 when there is none', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { cacheBytes } = await import('../../../../lib/providers/netns/base-image.ts');
    const dir = mkdtempSync(join(tmpdir(), 'hafarm-cache-'));
    try {
      expect(cacheBytes(join(dir, 'absent'))).toBe(0);
      mkdirSync(join(dir, 'rootfs-x', 'etc'), { recursive: true });
      writeFileSync(join(dir, 'rootfs-x', 'etc', 'big'), Buffer.alloc(3 * 2 ** 20, 1));
      writeFileSync(join(dir, 'repo-y'), Buffer.alloc(2 ** 20, 1));
      const bytes = cacheBytes(dir);
      expect(bytes).toBeGreaterThanOrEqual(4 * 2 ** 20);
      expect(bytes).toBeLessThan(4 * 2 ** 20 + 64 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
