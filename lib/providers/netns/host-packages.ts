// lab:up's first step with the namespace provider (npm run lab's too): on a Debian or Ubuntu host
// as root, the Debian packages of the host programs it lacks are installed. Elsewhere (no apt, not root)
// nothing is done, and lab:up refuses with the list of what is missing before it creates anything.
import { existsSync } from 'node:fs';
import { hostTool } from '../host-tools.ts';
import { PrerequisitesMissing } from '../provider.ts';
import { missingHostPackages } from './prerequisites.ts';

export async function installHostPackages(say: (line: string) => void): Promise<void> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
  const missing = missingHostPackages();
  if (missing.length === 0 || !existsSync('/usr/bin/apt-get')) return;
  say(`preparing this host for the namespace provider: installing ${missing.join(' ')} with apt-get`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const { execa } = await import('execa');
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', ...missing],
  ]) {
    const result = await execa(hostTool('apt-get'), args, { stdio: 'inherit', env, reject: false });
    if (result.exitCode !== 0) {
      const howToGet = `apt-get ${args.join(' ')} failed (exit ${result.exitCode ?? result.signal}; its output is above): fix what it says and run lab:up again`;
      throw new PrerequisitesMissing('netns', [{ what: `host packages: ${missing.join(', ')}`, howToGet }]);
    }
  }
}
