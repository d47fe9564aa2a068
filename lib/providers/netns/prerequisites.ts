// What the namespace provider needs: Linux, root, and a few Debian packages (which `npm run lab`
// installs by itself on Debian and Ubuntu).
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import type { MissingPrerequisite } from '../provider.ts';

/** Host commands and the Debian package that provides each. */
export const HOST_TOOLS: Record<string, string> = {
  ip: 'iproute2',
  unshare: 'util-linux',
  mmdebstrap: 'mmdebstrap',
  'apt-ftparchive': 'apt-utils',
  'apt-get': 'apt',
  'ssh-keygen': 'openssh-client',
};

async function found(command: string): Promise<boolean> {
  const result = await execa('sh', ['-c', `command -v ${command}`], { reject: false, stdin: 'ignore' });
  return result.exitCode === 0;
}

export async function missingHostPackages(): Promise<string[]> {
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(HOST_TOOLS)) if (!(await found(command))) missing.push(pkg);
  return [...new Set(missing)];
}

export async function netnsMissing(): Promise<MissingPrerequisite[]> {
  if (process.platform !== 'linux') {
    return [{ what: `Linux (this is ${process.platform})`, howToGet: 'The namespace provider makes machines of Linux namespaces; on macOS and Windows use --provider virtualbox.' }];
  }
  const missing: MissingPrerequisite[] = [];
  if (process.getuid?.() !== 0) missing.push({ what: 'root', howToGet: 'Namespaces, bridges and mounts need root: run the command as root (sudo -E npm run lab:up).' });
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay')) missing.push({ what: 'overlayfs in the kernel', howToGet: 'modprobe overlay' });
  if (!existsSync('/proc/self/ns/net')) missing.push({ what: 'network namespaces in the kernel', howToGet: 'a kernel built with CONFIG_NET_NS' });
  const packages = await missingHostPackages();
  if (packages.length > 0) missing.push({ what: `host packages: ${packages.join(', ')}`, howToGet: `apt-get install ${packages.join(' ')} (npm run lab installs them for you)` });
  return missing;
}
