// The engine behind the docker command line, Docker's or Podman's (lib/providers/docker/prerequisites.ts).
import { describe, expect, it } from 'vitest';
import { engineOf } from '../../../../lib/providers/docker/prerequisites.ts';

describe("the engine's version", () => {
  it("is the server's on Docker", () => {
    expect(
      engineOf(
        '{"Client":{"Version":"28.2.2","Os":"linux","Arch":"amd64"},"Server":{"Version":"20.10.24","Os":"linux","Arch":"arm64"}}',
      ),
    ).toEqual({ os: 'linux', arch: 'arm64', version: '20.10.24', podman: false });
  });

  it('is the client on Podman without a service, its OsArch split', () => {
    expect(engineOf('{"Client":{"APIVersion":"4.3.1","Version":"4.3.1","OsArch":"linux/amd64","Os":"linux"}}')).toEqual(
      {
        os: 'linux',
        arch: 'amd64',
        version: '4.3.1',
        podman: true,
      },
    );
  });

  it('is nothing from what is no version JSON', () => {
    expect(engineOf('Cannot connect to the Docker daemon')).toBeUndefined();
    expect(engineOf('{}')).toBeUndefined();
  });
});
