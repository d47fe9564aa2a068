// T1: the rendered Vagrantfile has one machine per host, NAT first (Vagrant's default adapter),
// the LAN internal network on every machine and the heartbeat one on the balancers only.
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import { renderVagrantfile } from '../../../../lib/providers/vagrant/vagrantfile.ts';

const tutorial = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);
const fourWeb = loadLab(new URL('../../../fixtures/labs/four-web.yaml', import.meta.url).pathname);

/** The text of one machine's define block. */
function machineBlock(vagrantfile: string, host: string): string {
  const start = vagrantfile.indexOf(`config.vm.define '${host}'`);
  expect(start, `no machine ${host}`).toBeGreaterThanOrEqual(0);
  const end = vagrantfile.indexOf('\n  end\n', start);
  return vagrantfile.slice(start, end);
}

function networksOf(block: string): Array<{ ip: string; intnet: string; libvirt: string }> {
  return [
    ...block.matchAll(
      /private_network, ip: '([\d.]+)', netmask: '[\d.]+', auto_config: false,\s+virtualbox__intnet: '([^']+)',\s+libvirt__network_name: '([^']+)', libvirt__dhcp_enabled: false, libvirt__forward_mode: 'veryisolated'/g,
    ),
  ].map((m) => ({ ip: m[1]!, intnet: m[2]!, libvirt: m[3]! }));
}

describe('Vagrantfile (T1)', () => {
  const text = renderVagrantfile(tutorial);

  it('defines exactly the five machines of the tutorial, with their hostnames', () => {
    expect([...text.matchAll(/config\.vm\.define '([^']+)'/g)].map((m) => m[1])).toEqual([
      'haproxy1',
      'haproxy2',
      'web1',
      'web2',
      'web3',
    ]);
    for (const host of tutorial.hosts)
      expect(machineBlock(text, host.name)).toContain(`node.vm.hostname = '${host.name}'`);
  });

  it('puts balancers on the LAN then the heartbeat network, web servers on the LAN only', () => {
    expect(networksOf(machineBlock(text, 'haproxy1'))).toEqual([
      { ip: '192.168.1.101', intnet: 'swap-lan', libvirt: 'swap-lan' },
      { ip: '10.100.100.1', intnet: 'swap-hb', libvirt: 'swap-hb' },
    ]);
    expect(networksOf(machineBlock(text, 'haproxy2'))).toEqual([
      { ip: '192.168.1.102', intnet: 'swap-lan', libvirt: 'swap-lan' },
      { ip: '10.100.100.2', intnet: 'swap-hb', libvirt: 'swap-hb' },
    ]);
    for (const [host, ip] of [
      ['web1', '192.168.1.103'],
      ['web2', '192.168.1.104'],
      ['web3', '192.168.1.105'],
    ] as const) {
      expect(networksOf(machineBlock(text, host))).toEqual([{ ip, intnet: 'swap-lan', libvirt: 'swap-lan' }]);
    }
  });

  it("leaves the lab's addresses to the network role: Vagrant configures none, so a power-on cannot flush the VIP", () => {
    const networks = text.match(/node\.vm\.network :private_network[^\n]*/g) ?? [];
    expect(networks).toHaveLength(7);
    for (const line of networks) expect(line).toContain('auto_config: false');
  });

  it('adds no other network, so adapter 1 stays the provider NAT', () => {
    expect(text.match(/vm\.network/g)).toHaveLength(7);
    expect(text).not.toMatch(/public_network|forwarded_port/);
  });

  it('sizes machines from the definition and names VMs with the lab prefix', () => {
    expect(machineBlock(text, 'haproxy1')).toMatch(/vb\.name = 'swap-haproxy1'\s+vb\.memory = 512\s+vb\.cpus = 1/);
    expect(machineBlock(text, 'web2')).toMatch(/vb\.memory = 384/);
    expect(machineBlock(text, 'web2')).toMatch(/lv\.memory = 384/);
    expect(text).toContain("config.vm.box = 'debian/bookworm64'");
  });

  it('leaves the libvirt driver to vagrant-libvirt (KVM) unless the definition asks for emulation', () => {
    expect(text).not.toMatch(/lv\.driver|lv\.cpu_mode/);
  });

  it("runs every machine under QEMU's emulation with box.libvirt_driver: qemu, in the libvirt blocks only", () => {
    const emulated = renderVagrantfile({ ...tutorial, box: { ...tutorial.box, libvirtDriver: 'qemu' } });
    for (const host of tutorial.hosts) {
      const block = machineBlock(emulated, host.name);
      const libvirt = block.slice(block.indexOf('node.vm.provider :libvirt'));
      const virtualbox = block.slice(
        block.indexOf('node.vm.provider :virtualbox'),
        block.indexOf('node.vm.provider :libvirt'),
      );
      expect(libvirt).toMatch(/lv\.driver = 'qemu'\s+lv\.cpu_mode = 'custom'\s+lv\.cpu_model = 'qemu64'\s+end/);
      expect(virtualbox).not.toMatch(/driver|cpu_mode|qemu/);
    }
    expect(emulated.match(/lv\.driver = 'qemu'/g)).toHaveLength(5);
  });

  it('renders another farm with no code change', () => {
    const other = renderVagrantfile(fourWeb);
    expect([...other.matchAll(/config\.vm\.define '([^']+)'/g)].map((m) => m[1])).toEqual([
      'haproxy1',
      'haproxy2',
      'web1',
      'web2',
      'web3',
      'web4',
    ]);
    expect(networksOf(machineBlock(other, 'web4'))).toEqual([
      { ip: '172.20.0.106', intnet: 'four-lan', libvirt: 'four-lan' },
    ]);
    expect(networksOf(machineBlock(other, 'haproxy2'))[1]).toEqual({
      ip: '10.200.0.2',
      intnet: 'four-hb',
      libvirt: 'four-hb',
    });
    expect(other).not.toContain('192.168.1.');
  });
});
