// Parsing what the vagrant CLI prints. The status fixture is real output of Debian's vagrant 2.3.4.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  errorExitMessage,
  parseMachineReadable,
  parseMachineReadableLine,
  parseStatus,
} from '../../../../lib/providers/vagrant/machine-readable.ts';
import { vboxManageCandidates } from '../../../../lib/providers/vagrant/prerequisites.ts';
import { parseSshConfig } from '../../../../lib/providers/vagrant/ssh-config.ts';
import { vagrantUpArgs } from '../../../../lib/providers/vagrant/vagrant-provider.ts';
import { loadLab } from '../../../../lib/farm/load-lab.ts';

describe('vagrant --machine-readable', () => {
  it('reads every machine state of `vagrant status`', () => {
    const output = readFileSync(new URL('../../../fixtures/vagrant-status-not-created.txt', import.meta.url), 'utf8');
    expect(parseStatus(output)).toEqual(
      ['haproxy1', 'haproxy2', 'web1', 'web2', 'web3'].map((host) => ({
        host,
        state: 'not_created',
        detail: 'not created',
      })),
    );
  });

  it('unescapes commas and newlines', () => {
    const line = parseMachineReadableLine('1795468344,web1,ui,info,one%!(VAGRANT_COMMA) two\\nthree');
    expect(line).toEqual({ timestamp: 1795468344, target: 'web1', type: 'ui', data: ['info', 'one, two\nthree'] });
    expect(parseMachineReadableLine('==> not machine readable')).toBeUndefined();
  });

  it('finds the message of a failed command', () => {
    const lines = parseMachineReadable(
      '1,,ui,error,boom\n2,,error-exit,Vagrant::Errors::SSHNotReady,The provider%!(VAGRANT_COMMA) not ready\n',
    );
    expect(errorExitMessage(lines)).toBe('The provider, not ready');
    expect(errorExitMessage(parseMachineReadable('1,web1,state,running\n'))).toBeUndefined();
  });
});

describe('vagrant ssh-config', () => {
  it('reads one endpoint per machine from one output', () => {
    const output = [
      'Host haproxy1',
      '  HostName 127.0.0.1',
      '  User vagrant',
      '  Port 2222',
      '  UserKnownHostsFile /dev/null',
      '  IdentityFile /lab/.vagrant/machines/haproxy1/virtualbox/private_key',
      '  IdentitiesOnly yes',
      '',
      'Host web1',
      '  HostName 192.168.121.33',
      '  User vagrant',
      '  Port 22',
      '  IdentityFile "C:/Users/ana/lab/.vagrant/machines/web1/libvirt/private_key"',
      '  IdentityFile /home/ana/.vagrant.d/insecure_private_key',
    ].join('\r\n');
    const endpoints = parseSshConfig(output);
    expect([...endpoints.values()]).toEqual([
      {
        host: 'haproxy1',
        address: '127.0.0.1',
        port: 2222,
        user: 'vagrant',
        privateKeyFile: '/lab/.vagrant/machines/haproxy1/virtualbox/private_key',
      },
      {
        host: 'web1',
        address: '192.168.121.33',
        port: 22,
        user: 'vagrant',
        privateKeyFile: 'C:/Users/ana/lab/.vagrant/machines/web1/libvirt/private_key',
      },
    ]);
  });
});

describe('finding VBoxManage', () => {
  it('looks where VirtualBox installs it on Windows and macOS, not only on PATH', () => {
    expect(vboxManageCandidates({ VBOX_MSI_INSTALL_PATH: 'D:\\VirtualBox\\' }, 'win32')).toEqual(
      expect.arrayContaining([
        'VBoxManage',
        'D:\\VirtualBox\\VBoxManage.exe',
        'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
      ]),
    );
    expect(vboxManageCandidates({}, 'darwin')).toContain('/Applications/VirtualBox.app/Contents/MacOS/VBoxManage');
    expect(vboxManageCandidates({}, 'linux')).toEqual(['VBoxManage']);
  });
});

describe('the Vagrant and VirtualBox pair', () => {
  it("is refused where Vagrant's changelog says that Vagrant cannot drive that VirtualBox", async () => {
    const { pairingProblem } = await import('../../../../lib/providers/vagrant/prerequisites.ts');
    // Debian 12's vagrant with each VirtualBox 7 release.
    expect(pairingProblem('2.3.4', '7.0.20r163906')).toBeUndefined();
    expect(pairingProblem('2.3.4', '7.1.4r165100')).toBe(
      'Vagrant 2.3.4 cannot drive VirtualBox 7.1 (it needs Vagrant 2.4.2 or later)',
    );
    expect(pairingProblem('2.4.1', '7.1.0r164728')).toBe(
      'Vagrant 2.4.1 cannot drive VirtualBox 7.1 (it needs Vagrant 2.4.2 or later)',
    );
    expect(pairingProblem('2.4.2', '7.1.0r164728')).toBeUndefined();
    expect(pairingProblem('2.4.8', '7.2.2r170484')).toBe(
      'Vagrant 2.4.8 cannot drive VirtualBox 7.2 (it needs Vagrant 2.4.9 or later)',
    );
    expect(pairingProblem('2.4.9', '7.2.2r170484')).toBeUndefined();
    expect(pairingProblem('2.3.1', '7.0.2r154219')).toBe(
      'Vagrant 2.3.1 cannot drive VirtualBox 7.0 (it needs Vagrant 2.3.2 or later)',
    );
    expect(pairingProblem('2.3.4', '6.1.50r161033')).toBeUndefined();
  });

  it('is refused on an arm64 host for the amd64-only Debian boxes, and only there', async () => {
    const { architectureProblem } = await import('../../../../lib/providers/vagrant/prerequisites.ts');
    expect(architectureProblem('debian/bookworm64', 'arm64')).toBe(
      'VirtualBox on this arm64 host (Apple Silicon) runs only arm64 guests, and the box debian/bookworm64 is published for amd64 only',
    );
    expect(architectureProblem('debian/bookworm64', 'x64')).toBeUndefined();
    expect(architectureProblem('bento/debian-12', 'arm64')).toBeUndefined();
  });
});

describe('vagrant up', () => {
  const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);
  const emulated = { ...lab, box: { ...lab.box, libvirtDriver: 'qemu' as const } };

  it("boots the machines one at a time under QEMU's emulation, as the providers choose otherwise", () => {
    expect(vagrantUpArgs('libvirt', emulated)).toEqual(['up', '--provider', 'libvirt', '--no-parallel']);
    expect(vagrantUpArgs('libvirt', emulated, ['haproxy1'])).toEqual([
      'up',
      '--provider',
      'libvirt',
      '--no-parallel',
      'haproxy1',
    ]);
    expect(vagrantUpArgs('libvirt', lab)).toEqual(['up', '--provider', 'libvirt']);
    expect(vagrantUpArgs('virtualbox', emulated, ['web2'])).toEqual(['up', '--provider', 'virtualbox', 'web2']);
  });
});
