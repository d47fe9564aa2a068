// README.md and the pages under docs/ link to each other and to pictures. Every relative link
// must reach a file, every anchor a heading of the page it names (as GitHub makes a heading's
// anchor), every docs page must be reachable from another page, and README.md stays a
// newcomer's page.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const README = join(root, 'README.md');
const README_MAX_LINES = 220;

function markdownFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return markdownFilesUnder(path);
      return entry.isFile() && entry.name.endsWith('.md') ? [path] : [];
    })
    .sort();
}

const docsPages = markdownFilesUnder(join(root, 'docs'));
const pages = [README, ...docsPages];

/** The page's lines outside fenced code blocks, where markdown is markdown. */
function proseLines(text: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && opening) {
      fence = opening[1];
    } else if (fence !== undefined) {
      if (line.trim().startsWith(fence)) fence = undefined;
    } else {
      lines.push(line);
    }
  }
  return lines;
}

interface Link {
  page: string;
  target: string;
}

/** Every link and image `[..](target)` of a page, code spans and code blocks left out. */
function linksOf(page: string): Link[] {
  const links: Link[] = [];
  for (const line of proseLines(readFileSync(page, 'utf8'))) {
    const prose = line.replace(/(`+)[^`]*?\1/g, 'code');
    for (const match of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ page, target: match[1] ?? '' });
    }
  }
  return links;
}

/** The anchors GitHub gives a page's headings: lowercase, punctuation dropped, spaces as '-'. */
function anchorsOf(page: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(readFileSync(page, 'utf8'))) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const isExternal = (target: string): boolean => /^(https?:|mailto:)/i.test(target);
const shown = (page: string): string => relative(root, page);

function problemOf({ page, target }: Link): string | undefined {
  const hash = target.indexOf('#');
  const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const file = path === '' ? page : resolve(dirname(page), path);
  if (!existsSync(file)) return `${shown(page)}: (${target}): no file ${shown(file)}`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith('.md')) return `${shown(page)}: (${target}): an anchor into a file that is not a markdown page`;
  if (!anchorsOf(file).has(anchor)) return `${shown(page)}: (${target}): ${shown(file)} has no heading #${anchor}`;
  return undefined;
}

describe('the documentation pages', () => {
  it('are README.md and pages under docs/', () => {
    expect(existsSync(README)).toBe(true);
    expect(docsPages.length).toBeGreaterThan(0);
  });

  it('link only to files that exist and to headings those pages have', () => {
    const links = pages.flatMap(linksOf).filter((link) => !isExternal(link.target));
    expect(links.length).toBeGreaterThan(0);
    const broken = links.map(problemOf).filter((problem) => problem !== undefined);
    expect(broken, `broken links:\n${broken.join('\n')}`).toEqual([]);
  });

  it('leave no docs page unlinked from README.md or another docs page', () => {
    const linkedTo = new Set<string>();
    for (const page of pages) {
      for (const { target } of linksOf(page)) {
        if (isExternal(target)) continue;
        const path = decodeURIComponent(target.split('#')[0] ?? '');
        const file = path === '' ? page : resolve(dirname(page), path);
        if (file !== page) linkedTo.add(file);
      }
    }
    const orphans = docsPages.filter((page) => !linkedTo.has(page)).map(shown);
    expect(orphans, `docs pages no other page links to:\n${orphans.join('\n')}`).toEqual([]);
  });

  it(`keep README.md at most ${README_MAX_LINES} lines`, () => {
    const text = readFileSync(README, 'utf8');
    const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
    expect(lines, `README.md has ${lines} lines`).toBeLessThanOrEqual(README_MAX_LINES);
  });
});
