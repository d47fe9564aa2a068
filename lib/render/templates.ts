// One nunjucks environment over templates/: undefined variables are errors, not empty strings,
// so a template never renders a half-filled config file.
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

let environment: nunjucks.Environment | undefined;

function env(): nunjucks.Environment {
  if (!environment) {
    environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATE_DIR, { noCache: false }), {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
    // A Ruby single-quoted literal: only backslash and quote need escaping.
    environment.addFilter('rb', (value: unknown) => `'${String(value).replace(/[\\']/g, (c) => `\\${c}`)}'`);
  }
  return environment;
}

export function renderTemplate(name: string, context: object): string {
  return env().render(name, context);
}
