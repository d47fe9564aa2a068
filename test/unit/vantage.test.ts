// Where lab:verify stands (lib/verify/vantage.ts) follows what the provider offers, not which
// provider it is.
import { describe, expect, it } from 'vitest';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import { loadLab } from '../../lib/lab/load.ts';
import type { HostVantage, LabProvider } from '../../lib/providers/provider.ts';
import { chooseVantage } from '../../lib/verify/vantage.ts';
import { TUTORIAL_LAB } from '../helpers/cli.ts';

const lab = loadLab(TUTORIAL_LAB);
const known = new KnownHosts('/nonexistent/known_hosts');
const describeOf = (v: ReturnType<typeof chooseVantage>) => ('problem' in v ? v.problem : v.describe);

describe('the vantage', () => {
  it("is the host's own when the provider offers one, a lab machine when it offers none or --from names one", async () => {
    const onHost: HostVantage = { clientNamespace: 'ns-on-lan', captureInterface: (network) => `br-${network}` };
    const offering = { name: 'anything', hostVantage: () => onHost } as unknown as LabProvider;
    const offeringNone = { name: 'netns' } as unknown as LabProvider;
    const chosen = chooseVantage(lab, offering, known, '/r');
    expect(describeOf(chosen)).toBe("requests from the client namespace ns-on-lan, captures on the host's bridges");
    if (!('problem' in chosen)) await chosen.close();
    expect(describeOf(chooseVantage(lab, offering, known, '/r', 'web1'))).toBe('requests from web1, captures inside web1 (LAN) and haproxy2 (heartbeat network)');
    expect(describeOf(chooseVantage(lab, offeringNone, known, '/r'))).toBe('requests from web3, captures inside web3 (LAN) and haproxy2 (heartbeat network)');
  });
});
