// Which web server answered, told from the page it served. Each web server serves the page the
// nginx role rendered for it from the definition's nginx.page (roles/web-answer.ts), byte for
// byte, so an answer is a server's when its body is exactly that server's page. Nothing is
// searched inside the body: web1's page is never taken for web10's, and a page no role wrote
// (nginx's default, an error page, a page edited by hand) is no server's. A farm built by hand
// (adopted) has pages of the student's own HTML: there a page is a server's when the text a
// browser shows is that server's nginx.page text, and no other's.
import { webServers, type Lab } from '../../lib/lab/model.ts';
import { pageHtml, pageText } from './web-answer.ts';
import { asIs, type Speaker, type Words } from '../../lib/said.ts';

/** The web server whose page `body` is, or undefined. */
export type PageServer = (body: string) => string | undefined;

export function pageServer(lab: Lab, adopted = false): PageServer {
  if (adopted) {
    const texts = webServers(lab).map((h) => ({
      text: pageText(lab, h.name).replace(/\s+/g, ' ').trim(),
      host: h.name,
    }));
    return (body) => {
      const shown = visibleText(body);
      const matches = texts.filter((t) => shown === t.text);
      return matches.length === 1 ? matches[0]!.host : undefined;
    };
  }
  const pages = new Map(webServers(lab).map((h) => [pageHtml(lab, h.name), h.name]));
  return (body) => pages.get(body);
}

/** One answer's server, with the lab's pages rendered for this one call. */
export function servedBy(lab: Lab, body: string): string | undefined {
  return pageServer(lab)(body);
}

/**
 * An answer as a check's evidence shows it: the server (its name, the same in every language),
 * or what came instead of its page.
 */
export function describeAnswer(
  serverOf: PageServer,
  answer: { status: number; body: string } | undefined,
  say: Speaker,
): Words {
  if (!answer) return say('no answer', 'sin respuesta');
  if (answer.status !== 200) return say(`status ${answer.status}`, `estado ${answer.status}`);
  const server = serverOf(answer.body);
  if (server) return asIs(server);
  const text = visibleText(answer.body);
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return say(`a page of no web server ("${shown}")`, `una página de ningún servidor web ("${shown}")`);
}

/** More than any page of the farm: an answer is read this far, never further (a web server may send anything). */
const MAX_PAGE_CHARS = 64 * 1024;

/** The text a browser shows of a page's body (the whole answer when it has no <body>), on one line, without control characters. */
export function visibleText(html: string): string {
  const page = html.slice(0, MAX_PAGE_CHARS);
  // found with indexOf: a regular expression over many unclosed "<body" would take quadratic time
  const lower = page.toLowerCase();
  const open = lower.indexOf('<body');
  const start = open === -1 ? -1 : lower.indexOf('>', open);
  const end = start === -1 ? -1 : lower.indexOf('</body>', start);
  const body = start === -1 ? page : page.slice(start + 1, end === -1 ? undefined : end);
  const entities: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
  return body
    .replace(/\p{Cc}/gu, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(lt|gt|quot|#39|amp);/g, (e) => entities[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}
