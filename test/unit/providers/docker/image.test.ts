import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildContext, builtImageReference, DEBIAN_BASE } from '../../../../lib/providers/docker/build-image.ts';
import { buildOptions, imageRecipe } from '../../../../lib/providers/docker/image.ts';
import { BASE_PACKAGES, machineInitFiles, ROLE_PACKAGES } from '../../../../lib/providers/netns/base-image.ts';

afterEach(() => vi.unstubAllEnvs());

describe('the Dockerfile the daemon builds the machines from', () => {
  const { dockerfile, files } = buildContext();

  it("starts from Debian's bookworm, installs the base packages and keeps every role package in /hafarm-repo", () => {
    expect(dockerfile).toMatch(/^ARG BASE=debian:bookworm\nFROM \$\{BASE\}$/m);
    expect(dockerfile).toContain(`apt-get install -q -y --no-install-recommends ${BASE_PACKAGES.join(' ')} apt-utils`);
    expect(dockerfile).toContain(`--download-only`);
    expect(dockerfile).toContain(ROLE_PACKAGES.join(' '));
    expect(dockerfile).toContain("echo 'deb [trusted=yes] file:/hafarm-repo ./' > /etc/apt/sources.list");
    expect(dockerfile).toContain('rm -f /etc/apt/sources.list.d/* /etc/ssh/ssh_host_*');
  });

  it("copies the namespace machines' own init, byte for byte, and makes it executable", () => {
    const init = machineInitFiles();
    expect(files.map((f) => f.content)).toEqual(init.map((f) => f.content));
    for (const file of init) {
      const name = file.path.split('/').pop()!;
      expect(dockerfile).toContain(`COPY ${name} /${file.path}\n`);
      expect(dockerfile).toMatch(new RegExp(`^RUN chmod 755 .*/${file.path.replace(/\./g, '\\.')}`, 'm'));
    }
  });

  it('is tagged by its recipe and base: another base, another image', () => {
    const context = buildContext();
    expect(builtImageReference(context, DEBIAN_BASE)).toMatch(/^hafarm\/bookworm:[0-9a-f]{16}$/);
    expect(builtImageReference(context, DEBIAN_BASE)).toBe(builtImageReference(buildContext(), DEBIAN_BASE));
    expect(builtImageReference(context, 'mirror.example/debian:bookworm')).not.toBe(
      builtImageReference(context, DEBIAN_BASE),
    );
  });
});

describe('how this host makes the image', () => {
  it('by HAFARM_DOCKER_IMAGE when set, else the root on Linux as root and the Dockerfile elsewhere', () => {
    vi.stubEnv('HAFARM_DOCKER_IMAGE', 'dockerfile');
    expect(imageRecipe()).toBe('dockerfile');
    vi.stubEnv('HAFARM_DOCKER_IMAGE', 'root');
    expect(imageRecipe()).toBe('root');
    vi.stubEnv('HAFARM_DOCKER_IMAGE', '');
    expect(imageRecipe()).toBe(process.platform === 'linux' && process.getuid?.() === 0 ? 'root' : 'dockerfile');
  });

  it('refuses a value it does not know, naming the variable and what is allowed', () => {
    vi.stubEnv('HAFARM_DOCKER_IMAGE', 'pull');
    expect(() => imageRecipe()).toThrow('HAFARM_DOCKER_IMAGE: "pull" is not allowed (allowed: root or dockerfile)');
    vi.stubEnv('HAFARM_DOCKER_BASE', 'debian:bookworm; rm -rf /');
    expect(() => buildOptions()).toThrow(/^HAFARM_DOCKER_BASE: "debian:bookworm; rm -rf \/" is not allowed/);
  });

  it('passes the base and the build network the environment names', () => {
    expect(buildOptions()).toEqual({});
    vi.stubEnv('HAFARM_DOCKER_BASE', 'registry.example:5000/debian:bookworm');
    vi.stubEnv('HAFARM_DOCKER_BUILD_NETWORK', 'host');
    expect(buildOptions()).toEqual({ base: 'registry.example:5000/debian:bookworm', network: 'host' });
  });
});
