// One nunjucks environment over templates/ and the HA stacks' folders (an HA stack keeps its
// templates beside its code: lib/ha/heartbeat/ha.cf.njk is "heartbeat/ha.cf.njk"). Undefined
// variables are errors, not empty strings, so a template never renders a half-filled config file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type nunjucksTypes from 'nunjucks';
import { requireOnFirstUse } from '../load-on-first-use.ts';
import { packagePath } from '../package-root.ts';
import { UnsafeTemplateValue, commentText, configWord, configWords, htmlText, rubyString } from './template-filters.ts';

export const TEMPLATE_DIR = packagePath('templates');
const HA_STACKS_DIR = packagePath('lib', 'ha');

const nunjucks = requireOnFirstUse<typeof nunjucksTypes>('nunjucks');

let environment: nunjucksTypes.Environment | undefined;

function env(): nunjucksTypes.Environment {
  if (!environment) {
    const { Environment, FileSystemLoader } = nunjucks();
    environment = new Environment(new FileSystemLoader([TEMPLATE_DIR, HA_STACKS_DIR], { noCache: false }), {
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

/** Where a template lives, as a path in the project, for messages. */
function templatePath(name: string): string {
  return existsSync(join(TEMPLATE_DIR, name)) ? `templates/${name}` : `lib/ha/${name}`;
}

export function renderTemplate(name: string, context: object): string {
  try {
    // Linux line endings whatever the checkout has (a template with CRLF from a Windows clone).
    return env().render(name, context).replace(/\r\n?/g, '\n');
  } catch (error) {
    // nunjucks wraps what a filter throws; the value and the template are what the user needs.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof UnsafeTemplateValue) throw new UnsafeTemplateValue(`${templatePath(name)}: ${cause.message}`);
    throw error;
  }
}
