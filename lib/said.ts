// The languages hafarm speaks to a student or a teacher (--lang es|en: the tutorial is Spanish).
// Everything a check, the report or the class table says is Words: a string made only by a
// Speaker, which holds each text in both languages where it is written. A check that builds a
// sentence in one language only does not compile, so no message is left half translated.

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Words said to the user in each language hafarm speaks, when the language is chosen later. */
export interface Said {
  en: string;
  es: string;
}

declare const WORDS: unique symbol;
/** A text in the language of the run, said through a Speaker (or quoted as it is: asIs). */
export type Words = string & { readonly [WORDS]: true };

export interface Speaker {
  /** the text in the run's language, given in both */
  (en: string, es: string): Words;
  readonly lang: Language;
  /** a Said in the run's language */
  said(text: Said): Words;
}

export function speaker(lang: Language): Speaker {
  const say = ((en: string, es: string) => (lang === 'es' ? es : en) as Words) as Speaker;
  Object.defineProperty(say, 'lang', { value: lang });
  Object.defineProperty(say, 'said', { value: (text: Said) => (lang === 'es' ? text.es : text.en) as Words });
  return say;
}

/** hafarm in English, where no language was asked for. */
export const english: Speaker = speaker('en');

/**
 * A text that is the same in every language: a name, a number, a path, a command, what a machine
 * answered or what another program said (quoted as it is, never translated).
 */
export function asIs(text: string | number): Words {
  return String(text) as Words;
}

/** Words joined by a separator that is itself the same in every language ("; ", ", "). */
export function joinWords(parts: readonly Words[], separator: string): Words {
  return parts.join(separator) as Words;
}

export function isLanguage(text: string): text is Language {
  return (LANGUAGES as readonly string[]).includes(text);
}
