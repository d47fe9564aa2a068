// The `nginx:` section of lab.yaml (T10): the page each web server serves, {host} replaced by
// the server's name so that lab:verify tells the servers apart.
import type { Node } from 'yaml';
import type { DefinitionSection } from '../../lib/lab/definition-parts.ts';
import { pattern, PATTERNS } from '../../lib/lab/field-values.ts';
import type { FieldPath, FieldReader } from '../../lib/lab/yaml-fields.ts';

export interface NginxSettings {
  page: string;
}

declare module '../../lib/lab/model.ts' {
  interface LabSections {
    nginx: NginxSettings;
  }
}

function page(r: FieldReader, path: FieldPath, node: unknown): string | undefined {
  const text = pattern(r, path, node, PATTERNS.page);
  if (text === undefined || text.includes('{host}')) return text;
  return r.report(
    path,
    node as Node,
    'has no {host}: the web servers would serve the same page and lab:verify could not tell them apart',
    PATTERNS.page.allowed,
  );
}

function readNginx(r: FieldReader, node: unknown): NginxSettings | undefined {
  const map = r.map(['nginx'], node, ['page']);
  return map && ({ page: page(r, ['nginx', 'page'], r.child(map, 'page')) } as NginxSettings);
}

/**
 * What the web servers answer with a page: "/" and the index.html the nginx role writes, in the
 * root Debian's nginx serves, where the package's own index.nginx-debian.html sits too. HAProxy's
 * statistics page must not be put over any of them (haproxy-section.ts).
 */
export const SITE_PATHS: readonly string[] = ['/', '/index.html', '/index.nginx-debian.html'];

export const nginxSection: DefinitionSection = {
  key: 'nginx',
  read: readNginx,
  sitePaths: SITE_PATHS,
  // Debian's nginx package makes it; the namespace machines have every component's packages
  logFolders: [{ path: '/var/log/nginx', whose: "nginx's, on the web servers" }],
};
