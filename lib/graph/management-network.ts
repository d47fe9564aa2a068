// The NAT/management network (eth0, the way in for SSH) is not in the definition: each provider
// says what it is (ProviderRegistration.managementNetwork), so the picture names it without the lab.
import type { Lab, ProviderChoice } from '../lab/model.ts';
import { managementNetworks } from '../providers/registry.ts';
import type { Speaker } from '../said.ts';

export interface ManagementNetwork {
  title: string;
  /** the interface inside every machine */
  interface: string;
  /** what it is under the provider, one line each */
  lines: string[];
}

/** Adapter 1 of the Vagrantfile and eth0 of every namespace machine. */
export const MANAGEMENT_INTERFACE = 'eth0';

export function managementNetwork(lab: Lab, provider: ProviderChoice, say: Speaker): ManagementNetwork {
  const lines = managementNetworks(lab, provider).map((line) => say.said(line));
  const auto = say('provider auto: as lab:up picks it', 'proveedor auto: el que elija lab:up');
  return {
    title: say('NAT / management', 'NAT / gestión'),
    interface: MANAGEMENT_INTERFACE,
    lines: provider === 'auto' ? [auto, ...lines] : lines,
  };
}
