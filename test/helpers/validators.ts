// The real validators of the files hafarm generates, as the tests run them: haproxy -c, nginx -t
// on a snippet, vagrant validate (with VirtualBox's own config validator).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

export function haproxyCheck(file: string): { status: number | null; output: string } {
  const result = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** nginx -t of a configuration that includes the snippet inside http {}, in a folder of its own. */
export function nginxCheck(snippet: string, dir: string): { status: number | null; output: string } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'nginx.conf'),
    `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${snippet};\n  server { listen 127.0.0.1:8080; root ${dir}; }\n}\n`,
  );
  const result = spawnSync('nginx', ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

/**
 * vagrant validates provider blocks only for a provider it believes usable. VirtualBox cannot be
 * installed on Debian 12, so a VBoxManage that only reports a version makes vagrant check our
 * VirtualBox blocks with its own VirtualBox config validator (nothing else of it is used).
 */
export function vboxVersionOnlyPath(scratch: string): string {
  const dir = join(scratch, 'vbox-version-only');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'VBoxManage'), '#!/bin/sh\necho 7.0.14r161095\n');
  chmodSync(join(dir, 'VBoxManage'), 0o755);
  return `${dir}:${process.env.PATH}`;
}

export async function vagrantValidate(
  dir: string,
  options: { scratch: string; withVirtualBoxBlocks: boolean; env?: Record<string, string> },
) {
  const args = options.withVirtualBoxBlocks ? ['validate'] : ['validate', '--ignore-provider'];
  const env = options.withVirtualBoxBlocks
    ? { PATH: vboxVersionOnlyPath(options.scratch), VAGRANT_DEFAULT_PROVIDER: 'virtualbox' }
    : {};
  return execa('vagrant', args, { cwd: dir, env: { ...env, ...options.env, VAGRANT_CWD: dir }, reject: false });
}

/**
 * keepalived -t of a rendered keepalived.conf, as a balancer would run it: in a network
 * namespace of its own that has the interfaces the file names, and a private mount namespace
 * where the rendered check script sits at the path keepalived.conf gives it (keepalived -t fails
 * on a missing interface or an unsafe or missing script).
 */
export function keepalivedCheck(
  conf: string,
  script: { path: string; file: string },
  interfaces: string[],
): { status: number | null; output: string } {
  const ns = `hfka${process.pid % 100000}`;
  const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });
  ip('netns', 'add', ns);
  try {
    interfaces.forEach((name, i) => {
      ip('-n', ns, 'link', 'add', name, 'type', 'veth', 'peer', 'name', `peer${i}`);
      ip('-n', ns, 'link', 'set', name, 'up');
    });
    const folder = script.path.replace(/\/[^/]+$/, '');
    const inside = `mount -t tmpfs -o mode=755 tmpfs ${folder} && cp ${script.file} ${script.path} && chmod 755 ${script.path} && exec keepalived -t -f ${conf}`;
    const result = spawnSync(
      'ip',
      ['netns', 'exec', ns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', inside],
      { encoding: 'utf8' },
    );
    return { status: result.status, output: result.stdout + result.stderr };
  } finally {
    ip('netns', 'del', ns);
  }
}

/** rsyslogd -N1: rsyslog's own check of a configuration file. */
export function rsyslogCheck(file: string): { status: number | null; output: string } {
  const result = spawnSync('rsyslogd', ['-N1', '-f', file], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}
