// What the Docker provider needs: a docker command line that reaches a daemon running Linux
// containers, and, where the image is the namespace provider's root (Linux as root), what that
// root is built with (mmdebstrap and apt).
import type { MissingPrerequisite } from '../provider.ts';
import { missingHostPackages } from '../netns/prerequisites.ts';
import { dockerOutcome, dockerProgram } from './docker-cli.ts';
import { imageRecipe } from './image.ts';

export interface Engine {
  os: string;
  arch: string;
  version: string;
  /** Podman's docker-compatible command line, whose networks take none of Docker's bridge options */
  podman: boolean;
}

/** What `docker version --format '{{json .}}'` says of the engine, Docker's fields or Podman's. */
interface VersionJson {
  Client?: EngineJson;
  Server?: EngineJson | null;
}
interface EngineJson {
  Os?: string;
  Arch?: string;
  /** Podman's: "linux/amd64" */
  OsArch?: string;
  Version?: string;
}

/**
 * The engine's operating system and architecture ("linux", "amd64") from its version JSON: the
 * server's on Docker; on Podman without a service the client is the engine, and gives OsArch.
 */
export function engineOf(json: string): Engine | undefined {
  let parsed: VersionJson;
  try {
    parsed = JSON.parse(json) as VersionJson;
  } catch {
    return undefined;
  }
  const engine = parsed.Server ?? parsed.Client;
  if (!engine) return undefined;
  const [os, arch] = engine.OsArch?.split('/') ?? [engine.Os, engine.Arch];
  if (!os) return undefined;
  // OsArch is Podman's field alone
  return { os, arch: arch ?? '', version: engine.Version ?? '', podman: engine.OsArch !== undefined };
}

/** The daemon's operating system and architecture ("linux", "amd64"), or why it did not answer. */
export async function dockerServer(): Promise<Engine | { problem: string }> {
  const result = await dockerOutcome(['version', '--format', '{{json .}}'], { timeoutMs: 20_000 });
  // docker prints the client's part and fails when no daemon answers: a server is needed.
  const engine = result.exitCode === 0 ? engineOf(result.stdout.trim()) : undefined;
  if (engine) return engine;
  if (result.error?.endsWith('is not installed')) return { problem: 'not installed' };
  return { problem: (result.stderr || result.stdout || result.error || '').trim().split('\n')[0] ?? '' };
}

export async function dockerMissing(): Promise<MissingPrerequisite[]> {
  const program = dockerProgram();
  const server = await dockerServer();
  if ('problem' in server) {
    if (server.problem === 'not installed')
      return [
        {
          what: `the ${program} command`,
          howToGet:
            'Install Docker Desktop (macOS, Windows), or Docker Engine on Linux (apt-get install docker.io), and open a new terminal.',
        },
      ];
    return [
      {
        what: `a Docker daemon that answers (${program} version: ${server.problem})`,
        howToGet:
          'Start Docker Desktop, or the Docker daemon (dockerd); DOCKER_HOST or docker context use names which one.',
      },
    ];
  }
  if (server.podman)
    return [
      {
        what: `Docker's engine (${program} is Podman ${server.version}, whose docker-compatible command line the Docker provider does not drive yet: its networks refuse com.docker.network.bridge.inhibit_ipv4, and its listings have no .Label field)`,
        howToGet:
          'Install Docker Engine (apt-get install docker.io) or Docker Desktop; on Linux as root the namespace provider needs neither (--provider netns).',
      },
    ];
  if (server.os !== 'linux')
    return [
      {
        what: `a daemon running Linux containers (this one runs ${server.os} containers)`,
        howToGet: 'In Docker Desktop on Windows: "Switch to Linux containers".',
      },
    ];
  // On Linux as root the image is the namespace provider's root, built on this host; elsewhere
  // the daemon builds it from a Dockerfile and needs only to reach Debian's image and archive.
  if (imageRecipe() === 'dockerfile') return [];
  const missing: MissingPrerequisite[] = [];
  if (process.platform !== 'linux')
    missing.push({
      what: `a Linux host to build the machines' Debian root on (this is ${process.platform})`,
      howToGet: 'Unset HAFARM_DOCKER_IMAGE: the image is then built from a Dockerfile by the daemon.',
    });
  else {
    if (process.getuid?.() !== 0)
      missing.push({
        what: "root, to build the machines' Debian root once (mmdebstrap)",
        howToGet: 'Run lab:up as root, or unset HAFARM_DOCKER_IMAGE to have the daemon build it from a Dockerfile.',
      });
    const packages = missingHostPackages().filter((p) => ['mmdebstrap', 'apt', 'apt-utils'].includes(p));
    if (packages.length > 0)
      missing.push({
        what: `host packages: ${packages.join(', ')}`,
        howToGet: `apt-get install ${packages.join(' ')}`,
      });
  }
  return missing;
}
