// One nunjucks environment over the package: a template is named by its path in it, so each
// component keeps its templates beside its code (roles/haproxy/templates/haproxy.cfg.njk) and
// rendering knows no component. Undefined variables are errors, not empty strings, so a
// template never renders a half-filled config file.
import type nunjucksTypes from 'nunjucks';
import { requireOnFirstUse } from '../load-on-first-use.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { UnsafeTemplateValue, commentText, configWord, configWords, htmlText, rubyString } from './template-filters.ts';

const PACKAGE_DIR = PACKAGE_ROOT;

const nunjucks = requireOnFirstUse<typeof nunjucksTypes>('nunjucks');

let environment: nunjucksTypes.Environment | undefined;

function env(): nunjucksTypes.Environment {
  if (!environment) {
    const { Environment, FileSystemLoader } = nunjucks();
    environment = new Environment(new FileSystemLoader(PACKAGE_DIR, { noCache: false }), {
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

/** Renders a template named by its path in the package, e.g. 'roles/hosts/templates/hosts-block.njk'. */
export function renderTemplate(name: string, context: object): string {
  try {
    // Linux line endings whatever the checkout has (a template with CRLF from a Windows clone).
    return env().render(name, context).replace(/\r\n?/g, '\n');
  } catch (error) {
    // nunjucks wraps what a filter throws; the value and the template are what the user needs.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof UnsafeTemplateValue) throw new UnsafeTemplateValue(`${name}: ${cause.message}`);
    throw error;
  }
}
