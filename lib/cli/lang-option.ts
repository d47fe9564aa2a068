// --lang: the language lab:verify and lab:class speak (the tutorial is Spanish; hafarm's own
// errors stay English).
import { isLanguage, LANGUAGES, speaker, type Speaker } from '../said.ts';
import { stringOption, UsageError, type OptionSpec, type ParsedCommandLine } from './command.ts';

export const LANG_OPTION: OptionSpec = { lang: { type: 'string' } };

export const LANG_HELP: Record<string, string> = {
  '--lang en|es': `the language of the verdicts, the findings, the report and the class table (${LANGUAGES.join(', ')}; default: en)`,
};

/** The speaker --lang asks for; English when it is not given. */
export function langOption(args: ParsedCommandLine): Speaker {
  const given = stringOption(args, 'lang');
  if (given === undefined) return speaker('en');
  const lang = given.toLowerCase();
  if (!isLanguage(lang))
    throw new UsageError(`--lang: "${given}" is not a language hafarm speaks (${LANGUAGES.join(', ')})`);
  return speaker(lang);
}
