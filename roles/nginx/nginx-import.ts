// lab:import of the pages a student wrote (T10): the nginx: section's page is the text a browser
// shows of each web server's index page, its own name replaced by {host}. The page is looked for
// in the root Debian's default site serves (the tutorial's /usr/share/nginx/html too), by the
// site's index order.
import type { ImportedFarm, ImportedSection, SectionImport } from '../farm-import.ts';
import { configLines, shown, type MachineHoldings } from '../mistakes.ts';
import { visibleText } from './page-server.ts';

const SITE = '/etc/nginx/sites-enabled/default';
const ROOTS = ['/var/www/html', '/usr/share/nginx/html', '/usr/share/nginx/html/www'];
const INDEXES = ['index.html', 'index.htm', 'index.nginx-debian.html'];
const TUTORIAL_PAGE = 'Bienvenido a nginx! ({host})';

/** The index pages a machine's site serves, in its order: its root and index, Debian's where it names none. */
function pagePaths(machine: MachineHoldings): string[] {
  const site = machine.files.get(SITE);
  const lines = site ? configLines(site.content) : [];
  const root = lines.find((l) => l.words[0] === 'root')?.words[1]?.replace(/;$/, '');
  const index = lines
    .find((l) => l.words[0] === 'index')
    ?.words.slice(1)
    .map((w) => w.replace(/;$/, ''));
  const roots = root !== undefined && /^\/[^\p{Cc}]{0,200}$/u.test(root) ? [root.replace(/\/+$/, '')] : ROOTS;
  const names = (index?.length ? index : INDEXES).filter((n) => /^[A-Za-z0-9._-]{1,100}$/.test(n)).slice(0, 8);
  return roots.flatMap((dir) => names.map((name) => `${dir}/${name}`));
}

/** The page text a machine serves, by its site's root and index. */
function servedText(machine: MachineHoldings): string | undefined {
  for (const path of pagePaths(machine)) {
    const page = machine.files.get(path);
    if (page) return visibleText(page.content);
  }
  return undefined;
}

function section(holdings: ReadonlyMap<string, MachineHoldings>, farm: ImportedFarm): ImportedSection {
  const notes: string[] = [];
  const pages = farm.web.map((host) => {
    const text = holdings.get(host) && servedText(holdings.get(host)!);
    return text?.includes(host) ? text.split(host).join('{host}') : undefined;
  });
  const page = pages.find((p) => p !== undefined);
  const valid = page !== undefined && /^[^\p{Cc}]{1,200}$/u.test(page);
  if (!valid) {
    notes.push(
      `nginx.page: no web server's page names the server (${page === undefined ? 'not found or without its name' : `${shown(page)}`}); the tutorial's "${TUTORIAL_PAGE}" kept`,
    );
    return { values: { page: TUTORIAL_PAGE }, notes };
  }
  const others = farm.web.filter((_, i) => pages[i] !== page);
  if (others.length > 0)
    notes.push(
      `nginx.page: ${others.join(', ')} serve${others.length === 1 ? 's' : ''} another page than "${page}": V1 will tell`,
    );
  return { values: { page }, notes };
}

export const nginxImport: SectionImport = {
  files: [SITE, ...ROOTS.flatMap((dir) => INDEXES.map((name) => `${dir}/${name}`))],
  moreFiles: (machine) => pagePaths(machine).filter((path) => !machine.files.has(path)),
  section,
};
