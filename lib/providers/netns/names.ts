// Names of every host resource a namespace lab makes. All carry the lab's prefix, so two labs
// (or two test runs) never collide and lab:destroy finds its own even after a crash.
// Interface names are limited to 15 characters by the kernel.
import type { Lab } from '../../lab/model.ts';

export interface NetnsNames {
  /** prefix of every namespace name */
  nsPrefix: string;
  /** prefix of every interface (bridge or veth) name on the host */
  linkPrefix: string;
  namespace(host: string): string;
  clientNamespace: string;
  bridge(network: 'lan' | 'heartbeat' | 'mgmt'): string;
  /** host end of a machine's veth, e.g. hswap-01: host 0, interface 1 inside (0 mgmt, 1 LAN, 2 heartbeat) */
  veth(hostIndex: number, n: number): string;
  clientVeth: string;
}

export function netnsNames(lab: Lab): NetnsNames {
  const nsPrefix = `hf-${lab.name}-`;
  // "h<lab>-": lab names hold no "-", so one lab's prefix is never the start of another's.
  const linkPrefix = `h${lab.name}-`;
  return {
    nsPrefix,
    linkPrefix,
    namespace: (host) => `${nsPrefix}${host}`,
    clientNamespace: `${nsPrefix}client`,
    bridge: (network) => `${linkPrefix}${network === 'lan' ? 'lan' : network === 'heartbeat' ? 'hb' : 'mg'}`,
    veth: (hostIndex, n) => `${linkPrefix}${hostIndex}${n}`,
    clientVeth: `${linkPrefix}c1`,
  };
}
