// Where lab:verify stands (lib/verify/vantage.ts) follows what the provider offers, not which
// provider it is.
import { describe, expect, it } from 'vitest';
import { KnownHosts } from '../../../lib/engine/ssh/known-hosts.ts';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import type { HostVantage, LabProvider } from '../../../lib/providers/provider.ts';
import { chooseVantage } from '../../../lib/verify/vantage.ts';
import { TUTORIAL_LAB } from '../../helpers/cli.ts';

const lab = loadLab(TUTORIAL_LAB);
const known = new KnownHosts('/nonexistent/known_hosts');
const describeOf = (v: ReturnType<typeof chooseVantage>) => ('problem' in v ? v.problem : v.describe.en);

describe('the vantage', () => {
  it("is the host's own when the provider offers one, a lab machine when it offers none or --from names one", async () => {
    const onHost: HostVantage = { clientNamespace: 'ns-on-lan', captureInterface: (network) => `br-${network}` };
    const offering = { name: 'anything', hostVantage: () => onHost } as unknown as LabProvider;
    const offeringNone = { name: 'netns' } as unknown as LabProvider;
    const chosen = chooseVantage(lab, offering, known, '/r');
    expect(describeOf(chosen)).toBe("requests from the client namespace ns-on-lan, captures on the host's bridges");
    if (!('problem' in chosen)) await chosen.close();
    expect(describeOf(chooseVantage(lab, offering, known, '/r', 'web1'))).toBe(
      'requests from web1, captures inside web1 (LAN) and haproxy2 (heartbeat network)',
    );
    const inSpanish = (v: ReturnType<typeof chooseVantage>) => ('problem' in v ? v.problem : v.describe.es);
    expect(inSpanish(chooseVantage(lab, offering, known, '/r', 'web1'))).toBe(
      'peticiones desde web1, capturas dentro de web1 (LAN) y de haproxy2 (red de latidos)',
    );
    expect(inSpanish(chooseVantage(lab, offering, known, '/r'))).toBe(
      'peticiones desde el espacio de nombres cliente ns-on-lan, capturas en los puentes del anfitrión',
    );
    expect(describeOf(chooseVantage(lab, offeringNone, known, '/r'))).toBe(
      'requests from web3, captures inside web3 (LAN) and haproxy2 (heartbeat network)',
    );
  });

  it('is the client the provider offers on the LAN, capturing the LAN itself, unless --from names a machine', async () => {
    const place = { describe: 'the client container c', command: (argv: readonly string[]) => ['run-on-c', ...argv] };
    const offering = { name: 'docker', lanClient: () => place } as unknown as LabProvider;
    const chosen = chooseVantage(lab, offering, known, '/r');
    expect(describeOf(chosen)).toBe(
      'requests from the client container c, captures inside it (LAN) and haproxy2 (heartbeat network)',
    );
    if (!('problem' in chosen)) await chosen.close();
    expect(describeOf(chooseVantage(lab, offering, known, '/r', 'web1'))).toBe(
      'requests from web1, captures inside web1 (LAN) and haproxy2 (heartbeat network)',
    );
  });
});

describe('the LAN client on the Vagrant providers', () => {
  it('is a web server that every check leaves on: never a balancer nor the one V3 powers off', async () => {
    const { clientMachine, captureMachine } = await import('../../../lib/verify/vantage.ts');
    const { loadLab } = await import('../../../lib/farm/load-lab.ts');
    const lab = loadLab('lab.yaml');
    expect(clientMachine(lab)).toEqual({ host: 'web3' });
    expect(clientMachine(lab, 'web1')).toEqual({ host: 'web1' });
    expect(clientMachine(lab, 'web2')).toEqual({ problem: 'web2 is the web server V3 powers off' });
    expect(clientMachine(lab, 'haproxy2')).toMatchObject({ problem: expect.stringMatching(/^haproxy2 is a balancer/) });
    expect(clientMachine(lab, 'web9')).toMatchObject({
      problem: expect.stringMatching(
        /^no host named "web9" in .*lab\.yaml \(hosts: haproxy1, haproxy2, web1, web2, web3\)/,
      ),
    });
    expect(captureMachine(lab, 'lan', 'web3')).toBe('web3');
    expect(captureMachine(lab, 'heartbeat', 'web3')).toBe('haproxy2');
    const twoWeb = { ...lab, hosts: lab.hosts.filter((h) => h.name !== 'web3') };
    expect(clientMachine(twoWeb)).toEqual({ host: 'web1' });
    const oneWeb = { ...lab, hosts: lab.hosts.filter((h) => h.name !== 'web3' && h.name !== 'web2') };
    expect(clientMachine(oneWeb)).toMatchObject({
      problem: expect.stringMatching(/web1, the only one, is the one V3 powers off/),
    });
  });

  it('is the client namespace on the namespace provider unless --from names a machine', async () => {
    const { chooseVantage } = await import('../../../lib/verify/vantage.ts');
    const { loadLab } = await import('../../../lib/farm/load-lab.ts');
    const { NetnsProvider } = await import('../../../lib/providers/netns/netns-provider.ts');
    const { VagrantProvider } = await import('../../../lib/providers/vagrant/vagrant-provider.ts');
    const { labStateDir } = await import('../../../lib/farm/lab-state-dir.ts');
    const { KnownHosts } = await import('../../../lib/engine/ssh/known-hosts.ts');
    const lab = loadLab('lab.yaml');
    const state = labStateDir('/nonexistent/state');
    const known = new KnownHosts('/nonexistent/known_hosts');
    const describe = (v: ReturnType<typeof chooseVantage>) => ('problem' in v ? v.problem : v.describe.en);
    expect(describe(chooseVantage(lab, new NetnsProvider(lab, state), known, '/r'))).toMatch(
      /^requests from the client namespace hf-swap-client, captures on the host's bridges$/,
    );
    expect(describe(chooseVantage(lab, new NetnsProvider(lab, state), known, '/r', 'web1'))).toBe(
      'requests from web1, captures inside web1 (LAN) and haproxy2 (heartbeat network)',
    );
    expect(describe(chooseVantage(lab, new VagrantProvider('virtualbox', lab, state), known, '/r'))).toBe(
      'requests from web3, captures inside web3 (LAN) and haproxy2 (heartbeat network)',
    );
    expect(describe(chooseVantage(lab, new VagrantProvider('libvirt', lab, state), known, '/r', 'haproxy1'))).toMatch(
      /^haproxy1 is a balancer/,
    );
  });
});
