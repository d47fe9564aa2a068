// The NAT/management network (eth0, the way in for SSH) is not in the definition: each provider
// says what it is (ProviderRegistration.managementNetwork), so the picture names it without the lab.
import type { Lab, ProviderChoice } from '../lab/model.ts';
import { managementNetworks } from '../providers/registry.ts';

export interface ManagementNetwork {
  title: string;
  /** the interface inside every machine */
  interface: string;
  /** what it is under the provider, one line each */
  lines: string[];
}

/** Adapter 1 of the Vagrantfile and eth0 of every namespace machine. */
export const MANAGEMENT_INTERFACE = 'eth0';

export function managementNetwork(lab: Lab, provider: ProviderChoice): ManagementNetwork {
  const lines = managementNetworks(lab, provider);
  return {
    title: 'NAT / management',
    interface: MANAGEMENT_INTERFACE,
    lines: provider === 'auto' ? ['provider auto: as lab:up picks it', ...lines] : lines,
  };
}
