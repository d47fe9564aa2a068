// What the namespace provider needs: Linux, root, and the host programs of host-tools.ts (which
// `npm run lab` installs by itself on Debian and Ubuntu).
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MissingPrerequisite } from '../provider.ts';
import { HOST_TOOLS, type HostTool } from '../host-tools.ts';

/** Whether the program is an executable file on PATH (looked up without a shell: sh is one of them). */
function found(command: HostTool): boolean {
  const path = (process.env.PATH || '/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter(Boolean);
  return path.some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return statSync(join(dir, command)).isFile();
    } catch {
      return false;
    }
  });
}

/** The Debian packages whose programs this host lacks. */
export function missingHostPackages(): string[] {
  const missing: string[] = [];
  for (const [command, pkg] of Object.entries(HOST_TOOLS)) if (!found(command as HostTool)) missing.push(pkg);
  return [...new Set(missing)];
}

export async function netnsMissing(): Promise<MissingPrerequisite[]> {
  if (process.platform !== 'linux') {
    return [
      {
        what: `Linux (this is ${process.platform})`,
        howToGet:
          'The namespace provider makes machines of Linux namespaces; on macOS and Windows use --provider virtualbox.',
      },
    ];
  }
  const missing: MissingPrerequisite[] = [];
  if (process.getuid?.() !== 0)
    missing.push({
      what: 'root',
      howToGet: 'Namespaces, bridges and mounts need root: run the command as root (sudo -E npm run lab:up).',
    });
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay'))
    missing.push({ what: 'overlayfs in the kernel', howToGet: 'modprobe overlay' });
  if (!existsSync('/proc/self/ns/net'))
    missing.push({ what: 'network namespaces in the kernel', howToGet: 'a kernel built with CONFIG_NET_NS' });
  const packages = missingHostPackages();
  if (packages.length > 0)
    missing.push({
      what: `host packages: ${packages.join(', ')}`,
      howToGet: `apt-get install ${packages.join(' ')} (lab:up installs them for you on Debian and Ubuntu, as root)`,
    });
  return missing;
}
