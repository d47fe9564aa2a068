// How a value is made safe for the file a template writes. Values come validated from the lab
// definition, the state folder and the machines' facts; these filters are the last line: a value
// that does not fit its place is escaped (Ruby, HTML, comments) or stops the render (config words).
import { UserFacingError } from '../user-facing-error.ts';

/** A Ruby single-quoted literal: only backslash and quote need escaping. */
export function rubyString(value: unknown): string {
  return `'${String(value).replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** Characters a word may hold in haproxy.cfg, ha.cf, haresources, authkeys, /etc/hosts, an ifupdown stanza or nginx's double quotes. */
const CONFIG_WORD = /^[A-Za-z0-9._:/?=&+~-]+$/;

export class UnsafeTemplateValue extends UserFacingError {
  override name = 'UnsafeTemplateValue';
}

/**
 * One word of a configuration line. No quoting would make a newline safe there, and "#", quotes,
 * "$", "\" or a space each mean something to one of these formats: such a value stops the render.
 */
export function configWord(value: unknown): string {
  const text = String(value);
  if (!CONFIG_WORD.test(text))
    throw new UnsafeTemplateValue(
      `${JSON.stringify(text)} cannot be written into a configuration line (allowed: letters, digits and . _ : / ? = & + ~ -)`,
    );
  return text;
}

/** Several words of one configuration line, each held to configWord, separated by a space. */
export function configWords(values: unknown): string {
  if (!Array.isArray(values) || values.length === 0)
    throw new UnsafeTemplateValue(`${JSON.stringify(values)} is not a list of configuration words`);
  return values.map(configWord).join(' ');
}

/** Text for a "#" comment: one line of plain characters, at most 80 (a file name can hold anything). */
export function commentText(value: unknown): string {
  return String(value)
    .replace(/[^A-Za-z0-9 ._+-]/g, '?')
    .slice(0, 80);
}

/** Text in an HTML element. */
export function htmlText(value: unknown): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return String(value).replace(/[&<>"']/g, (c) => entities[c]!);
}
