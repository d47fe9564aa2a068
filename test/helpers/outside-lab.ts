// An OutsideLab as lab:ssh-config and lab:inventory build it from a provider, made from a
// definition and a state folder of the test's choosing: the renderers' input without a lab.
import { join } from 'node:path';
import type { Lab } from '../../lib/lab/model.ts';
import type { OutsideLab } from '../../lib/outside/outside-lab.ts';

export function outsideLabOf(
  lab: Lab,
  state: string,
  options: { user?: string; port?: number; address?: (index: number) => string; keyFile?: string } = {},
): OutsideLab {
  return {
    lab,
    provider: 'netns',
    knownHostsFile: join(state, 'known_hosts'),
    machines: lab.hosts.map((host, index) => ({
      host,
      endpoint: {
        host: host.name,
        address: options.address?.(index) ?? `10.213.7.${index + 2}`,
        port: options.port ?? 22,
        user: options.user ?? 'root',
        privateKeyFile: options.keyFile ?? join(state, 'ssh', 'id_ed25519'),
      },
    })),
  };
}

/** The same definition with one host renamed, as a definition may name it. */
export function withHostRenamed(lab: Lab, from: string, to: string): Lab {
  return { ...lab, hosts: lab.hosts.map((h) => (h.name === from ? { ...h, name: to } : h)) };
}
