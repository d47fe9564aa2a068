// Text from a definition or a file name, made safe to print: a newline would break the one line
// per problem, and an escape sequence would act on the user's terminal.

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Control, format and line-separator characters, and lone UTF-16 surrogates (which a terminal
 * would show as U+FFFD), written as escapes; the rest as it is.
 */
export function printable(text: string): string {
  return text.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu,
    (c) => ESCAPES[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
}

/** String.prototype.isWellFormed (ES2024, in Node 20), which TypeScript's ES2022 library does not declare. */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** A value quoted in a message, cut at 60 characters: the message is about it, not a copy of it. */
export function quoted(value: string): string {
  return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`;
}
