// One nunjucks environment over templates/: undefined variables are errors, not empty strings,
// so a template never renders a half-filled config file.
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { UnsafeTemplateValue, commentText, configWord, configWords, htmlText, rubyString } from './template-filters.ts';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

let environment: nunjucks.Environment | undefined;

function env(): nunjucks.Environment {
  if (!environment) {
    environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATE_DIR, { noCache: false }), {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
      // keeps what a filter throws as the error's cause (renderTemplate reports it)
      dev: true,
    });
    environment.addFilter('rb', rubyString);
    environment.addFilter('word', configWord);
    environment.addFilter('words', configWords);
    environment.addFilter('comment', commentText);
    environment.addFilter('html', htmlText);
  }
  return environment;
}

export function renderTemplate(name: string, context: object): string {
  try {
    // Linux line endings whatever the checkout has (a template with CRLF from a Windows clone).
    return env().render(name, context).replace(/\r\n?/g, '\n');
  } catch (error) {
    // nunjucks wraps what a filter throws; the value and the template are what the user needs.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof UnsafeTemplateValue) throw new UnsafeTemplateValue(`templates/${name}: ${cause.message}`);
    throw error;
  }
}
