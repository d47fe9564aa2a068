// The Docker machines' image, built on this host and never pulled ready-made: on Linux as root,
// the namespace provider's root imported (import-root.ts), its package repository bind-mounted
// from the host; elsewhere (macOS, Windows, Linux without root) built from a Dockerfile on
// Debian's own bookworm image for the daemon's architecture, the repository inside the image
// (build-image.ts). Either way the machines are the same Debian with the same init.
import { UserFacingError } from '../../user-facing-error.ts';
import { dockerOutcome } from './docker-cli.ts';
import { ensureBuiltImage, type BuildOptions } from './build-image.ts';
import { ensureImportedImage } from './import-root.ts';

export interface DockerImage {
  /** the image's reference, e.g. hafarm/bookworm-root:3f2a… */
  image: string;
  /** the host folder of the package repository the machines' apt reads (/hafarm-repo); none when the image holds it */
  repo?: string;
}

export type ImageRecipe = 'root' | 'dockerfile';

/** The environment's say in how the image is made, each variable checked. */
const SETTINGS = {
  HAFARM_DOCKER_IMAGE: { pattern: /^(root|dockerfile)$/, allowed: 'root or dockerfile' },
  HAFARM_DOCKER_BASE: {
    pattern: /^[a-z0-9][a-z0-9._/:@-]{0,254}$/,
    allowed: 'an image reference of Debian bookworm, e.g. debian:bookworm or a mirror of it',
  },
  HAFARM_DOCKER_BUILD_NETWORK: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    allowed: 'a Docker network name, e.g. host',
  },
} as const;

function setting(name: keyof typeof SETTINGS): string | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const { pattern, allowed } = SETTINGS[name];
  if (!pattern.test(value))
    throw new UserFacingError(
      `${name}: ${JSON.stringify(value)} is not allowed (allowed: ${allowed}); nothing was created`,
    );
  return value;
}

/** How this host makes the image: HAFARM_DOCKER_IMAGE when set, else by the host. */
export function imageRecipe(): ImageRecipe {
  const chosen = setting('HAFARM_DOCKER_IMAGE');
  if (chosen === 'root' || chosen === 'dockerfile') return chosen;
  return process.platform === 'linux' && process.getuid?.() === 0 ? 'root' : 'dockerfile';
}

/** The Dockerfile build's base and network, where the environment names them. */
export function buildOptions(): BuildOptions {
  const base = setting('HAFARM_DOCKER_BASE');
  const network = setting('HAFARM_DOCKER_BUILD_NETWORK');
  return { ...(base ? { base } : {}), ...(network ? { network } : {}) };
}

/** The image, made where the daemon lacks it. */
export async function ensureDockerImage(progress: (text: string) => void): Promise<DockerImage> {
  if (imageRecipe() === 'root') return ensureImportedImage(progress);
  return { image: await ensureBuiltImage(progress, buildOptions()) };
}

/** The image's size on the daemon, in bytes; undefined when it is not there. */
export async function imageBytes(reference: string): Promise<number | undefined> {
  const result = await dockerOutcome(['image', 'inspect', '--format', '{{.Size}}', reference]);
  return result.exitCode === 0 ? Number(result.stdout.trim()) : undefined;
}
