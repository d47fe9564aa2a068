// --lang (issue 29): en or es in any case, English when absent, anything else refused by name.
import { describe, expect, it } from 'vitest';
import { langOption } from '../../../lib/cli/lang-option.ts';
import { UsageError } from '../../../lib/cli/command.ts';

const args = (lang?: string) => ({ values: lang === undefined ? {} : { lang }, positionals: [] });

describe('--lang', () => {
  it('speaks English unless asked, Spanish when asked in any case', () => {
    expect(langOption(args()).lang).toBe('en');
    expect(langOption(args('es')).lang).toBe('es');
    expect(langOption(args('ES'))('passed', 'superada')).toBe('superada');
    expect(langOption(args('en'))('passed', 'superada')).toBe('passed');
  });

  it('refuses a language hafarm does not speak, naming it and those it does', () => {
    for (const lang of ['fr', '', 'es-ES', 'español'])
      expect(() => langOption(args(lang))).toThrow(
        new UsageError(`--lang: "${lang}" is not a language hafarm speaks (en, es)`),
      );
  });
});
