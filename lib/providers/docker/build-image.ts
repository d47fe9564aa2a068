// The Docker machines' image from a Dockerfile, where this host cannot build the namespace
// provider's root (macOS, Windows, Linux without root): Debian bookworm for the daemon's own
// architecture, the same base packages, init and package repository (templates/Dockerfile.njk).
// Tagged by a hash of what the build is given, so an unchanged recipe is built once per daemon.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { renderTemplate } from '../../render/templates.ts';
import { BASE_PACKAGES, machineInitFiles, ROLE_PACKAGES } from '../netns/base-image.ts';
import { dockerOutcome, dockerProgram, DockerCommandFailed } from './docker-cli.ts';

export const BUILT_REPOSITORY = 'hafarm/bookworm';
/** Debian's own image of the release the machines run (Docker Official Images), never one of ours. */
export const DEBIAN_BASE = 'debian:bookworm';

export interface BuildContext {
  dockerfile: string;
  files: Array<{ name: string; content: string }>;
}

/** The Dockerfile and the files it copies. */
export function buildContext(): BuildContext {
  const init = machineInitFiles().map((file) => ({ ...file, name: basename(file.path) }));
  const dockerfile = renderTemplate('lib/providers/docker/templates/Dockerfile.njk', {
    basePackages: BASE_PACKAGES,
    rolePackages: ROLE_PACKAGES,
    initFiles: init,
  });
  return { dockerfile, files: init.map(({ name, content }) => ({ name, content })) };
}

export interface BuildOptions {
  /** the image it starts from (default debian:bookworm) */
  base?: string;
  /** the network its steps reach Debian's archive through, when the daemon's default has no way out */
  network?: string;
}

/** The image's reference: the recipe's hash, the base included. */
export function builtImageReference(context: BuildContext, base: string): string {
  const hash = createHash('sha256').update(JSON.stringify({ context, base })).digest('hex').slice(0, 16);
  return `${BUILT_REPOSITORY}:${hash}`;
}

/** Builds the image unless the daemon has it; its reference. */
export async function ensureBuiltImage(progress: (text: string) => void, options: BuildOptions = {}): Promise<string> {
  const context = buildContext();
  const base = options.base ?? DEBIAN_BASE;
  const reference = builtImageReference(context, base);
  const have = await dockerOutcome(['image', 'inspect', '--format', '{{.Id}}', reference]);
  if (have.exitCode === 0) return reference;
  const dir = mkdtempSync(join(tmpdir(), 'hafarm-image-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), context.dockerfile);
    for (const file of context.files) writeFileSync(join(dir, file.name), file.content, { mode: 0o755 });
    progress(`building the machines' image ${reference} from ${base} (Debian's packages, a few minutes once)`);
    const result = await dockerOutcome(
      [
        'build',
        '--tag',
        reference,
        '--build-arg',
        `BASE=${base}`,
        ...(options.network ? ['--network', options.network] : []),
        dir,
      ],
      { timeoutMs: 1_800_000 },
    );
    if (result.exitCode !== 0) {
      const said = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
      throw new DockerCommandFailed(
        `${dockerProgram()} build of the machines' image from ${base} failed (${result.error ?? `exit ${result.exitCode}`}); it needs to reach Docker Hub (${DEBIAN_BASE}) and Debian's archive:\n${said}`,
      );
    }
    return reference;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
