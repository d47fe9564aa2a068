// The host's own `nginx -t` on the configuration each web server's nginx role writes (its snippet
// in /etc/nginx/conf.d/), where nginx is installed: nginx's validator (roles/component.ts). The
// snippet goes into the http block of a minimal main configuration of its own, in a temporary
// folder (its pid file, logs and temporary folders there too), as Debian's nginx.conf includes
// conf.d/*.conf: never the host's own configuration, never a daemon started (-t reads and exits).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldProblem } from '../../lib/lab/load.ts';
import type { Lab } from '../../lib/lab/model.ts';
import type { FieldPath } from '../../lib/lab/yaml-fields.ts';
import { distinctProblems, type ConfigValidator, type RenderedConfig } from '../component.ts';

/** The machines' nginx (Debian 12's 1.22.1): an older one may refuse what theirs accepts. */
const MACHINE_NGINX: readonly [number, number] = [1, 22];

/** Where the nginx role's configuration goes: Debian's nginx.conf includes it in its http block. */
const NGINX_CONFIG_DIR = '/etc/nginx/';

/** The host's nginx version when it can judge the machines' configuration, else undefined. */
export function hostNginxVersion(): string | undefined {
  const result = spawnSync('nginx', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  const version = /nginx\/(\d+)\.(\d+)(\.\d+)?/.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (!version) return undefined;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  const recentEnough = major > MACHINE_NGINX[0] || (major === MACHINE_NGINX[0] && minor >= MACHINE_NGINX[1]);
  return recentEnough ? `${version[1]}.${version[2]}${version[3] ?? ''}` : undefined;
}

/** The field a line of the snippet came from; undefined for the template's own lines. */
export function fieldOfNginxLine(line: string): FieldPath | undefined {
  // add_header Set-Cookie "<cookie.name>=<host>-session; Path=/": the cookie's name is the definition's
  return /^\s*add_header\s+Set-Cookie\b/.test(line) ? ['haproxy', 'cookie', 'name'] : undefined;
}

/** A main configuration that includes the snippet in its http block, everything nginx -t writes in `dir`. */
export function nginxMainConfig(dir: string, snippet: string): string {
  const temp = join(dir, 'temp');
  return [
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')};`,
    'events {}',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${temp};`),
    `  include ${snippet};`,
    '}',
    '',
  ].join('\n');
}

/** "nginx: [emerg] unknown directive "x" in /tmp/…/snippet.conf:4" */
const FAILURE = /^nginx: \[(emerg|alert|crit)\] (.*?)(?: in (\S+):(\d+))?$/;

/** nginx -t's output as problems of the definition's fields. */
export function nginxOutputToProblems(snippetFile: string, snippet: string, output: string, version: string) {
  const lines = snippet.split('\n');
  const allowed = `what nginx ${version} accepts (nginx -t on this host)`;
  return output.split('\n').flatMap((line): FieldProblem[] => {
    const failure = FAILURE.exec(line.trim());
    if (!failure) return [];
    const [, , message, file, lineNumber] = failure;
    if (file !== snippetFile) return [{ field: ['nginx'], problem: `nginx -t: ${message}`, allowed }];
    const field = fieldOfNginxLine(lines[Number(lineNumber) - 1] ?? '');
    return field ? [{ field, problem: `nginx -t: ${message}`, allowed }] : [];
  });
}

/** nginx -t on one web server's snippet, in a folder of its own. */
export function nginxSnippetProblems(snippet: string, version: string): FieldProblem[] {
  const dir = mkdtempSync(join(tmpdir(), 'hafarm-nginx-t-'));
  try {
    const snippetFile = join(dir, 'snippet.conf');
    const main = join(dir, 'nginx.conf');
    writeFileSync(snippetFile, snippet, { mode: 0o600 });
    writeFileSync(main, nginxMainConfig(dir, snippetFile), { mode: 0o600 });
    const result = spawnSync('nginx', ['-t', '-q', '-c', main, '-p', `${dir}/`, '-e', join(dir, 'error.log')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.error)
      return [
        {
          field: ['nginx'],
          problem: `nginx -t could not run: ${result.error.message}`,
          allowed: 'a host whose nginx -t answers',
        },
      ];
    if (result.status === 0) return [];
    const problems = nginxOutputToProblems(
      snippetFile,
      snippet,
      `${result.stdout ?? ''}${result.stderr ?? ''}`,
      version,
    );
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One snippet of each shape: the web servers' snippets differ by their own name only (the
 * session cookie's value), and nginx -t takes 30 ms a run, 7 s for a farm of 243 web servers.
 */
function oneOfEachShape(files: readonly RenderedConfig[]): RenderedConfig[] {
  const shapes = new Map<string, RenderedConfig>();
  for (const file of files) {
    const shape = `${file.path}\0${file.content.split(file.host.name).join('\0')}`;
    if (!shapes.has(shape)) shapes.set(shape, file);
  }
  return [...shapes.values()];
}

export const nginxValidator: ConfigValidator = {
  files: 'nginx snippet',
  command: 'nginx -t',
  program: 'nginx',
  oldest: MACHINE_NGINX.join('.'),
  hostVersion: hostNginxVersion,
  problems: (_lab: Lab, files: readonly RenderedConfig[], version) =>
    distinctProblems(
      oneOfEachShape(files.filter((file) => file.path.startsWith(NGINX_CONFIG_DIR))).flatMap((file) =>
        nginxSnippetProblems(file.content, version),
      ),
    ),
};
