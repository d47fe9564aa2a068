// The Docker machines' image on a Linux host as root: the namespace provider's Debian bookworm
// root (the same packages, the same init), imported as it is with `docker import`. Tagged by that root's own hash, so a changed recipe makes a new image and an
// unchanged one is imported once per daemon. Its package repository stays on the host and is
// bind-mounted read-only into each machine, as on the namespace provider: apt works inside
// without a route out.
import { basename } from 'node:path';
import { spawn } from 'node:child_process';
import { ensureBaseImage } from '../netns/base-image.ts';
import { dockerOutcome, dockerProgram, DockerCommandFailed } from './docker-cli.ts';

export const IMAGE_REPOSITORY = 'hafarm/bookworm-root';

async function imageExists(reference: string): Promise<boolean> {
  return (await dockerOutcome(['image', 'inspect', '--format', '{{.Id}}', reference])).exitCode === 0;
}

/** `tar -C root -c . | docker import - reference`, the tar's own errors said as docker's are. */
function importRoot(rootfs: string, reference: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['--numeric-owner', '--xattrs', '-C', rootfs, '-c', '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const load = spawn(
      dockerProgram(),
      ['import', '--message', 'hafarm: the namespace provider root', '-', reference],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let said = '';
    tar.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    load.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    load.stdin.on('error', () => undefined);
    tar.stdout.pipe(load.stdin);
    let tarCode: number | null = null;
    tar.once('close', (code) => (tarCode = code));
    tar.once('error', (error) => reject(new DockerCommandFailed(`tar could not run: ${error.message}`)));
    load.once('error', (error) =>
      reject(new DockerCommandFailed(`${dockerProgram()} could not run: ${error.message}`)),
    );
    load.once('close', (code) => {
      if (code === 0 && tarCode === 0) resolve();
      else
        reject(
          new DockerCommandFailed(`importing the machines' root into Docker as ${reference} failed: ${said.trim()}`),
        );
    });
  });
}

/** The image, imported where this daemon lacks it; the root built first where this host lacks it. */
export async function ensureImportedImage(progress: (text: string) => void): Promise<{ image: string; repo: string }> {
  const base = await ensureBaseImage(progress);
  // rootfs-<hash of its inputs>: the tag is that hash.
  const reference = `${IMAGE_REPOSITORY}:${basename(base.rootfs).replace(/^rootfs-/, '')}`;
  if (!(await imageExists(reference))) {
    progress(`importing the machines' root into Docker as ${reference}`);
    await importRoot(base.rootfs, reference);
  }
  return { image: reference, repo: base.repo };
}
