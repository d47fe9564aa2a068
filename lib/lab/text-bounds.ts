// Bounds on the definition's text, checked before the YAML parser sees it. The parser's time
// grows with the number of tokens (a line of 500 "? " takes it 4 ms, 1,000 such lines 4 s) and
// deeply nested "[[[[…" exhausts its stack or aborts Node outright (5,000 levels: out of
// memory). A lab file has a few hundred lines, a few thousand tokens, and no deep nesting.

export const MAX_DEFINITION_LINES = 10_000;
export const MAX_DEFINITION_TOKENS = 20_000;
export const MAX_FLOW_DEPTH = 32;

export interface TextBoundProblem {
  /** where the character that went past the bound is, 1-based */
  line: number;
  column: number;
  problem: string;
  allowed: string;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const opensFlow = (c: number) => c === 0x5b || c === 0x7b;
const closesFlow = (c: number) => c === 0x5d || c === 0x7d;
const isFlowIndicator = (c: number) => opensFlow(c) || closesFlow(c) || c === 0x2c;

/**
 * One pass over the text. A token is a run of characters between spaces and the flow indicators
 * `[]{},`, or one such indicator. Quotes and comments are not told apart: the bounds count a
 * little more than the parser would, never less.
 */
export function textBoundProblem(text: string): TextBoundProblem | undefined {
  let lines = 1;
  let lineStart = 0;
  let tokens = 0;
  let depth = 0;
  let afterSeparator = true;
  const at = (i: number) => ({ line: lines, column: i - lineStart + 1 });
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = i + 1;
      if (++lines > MAX_DEFINITION_LINES)
        return {
          ...at(i),
          problem: `has more than ${MAX_DEFINITION_LINES} lines`,
          allowed: `a lab definition of at most ${MAX_DEFINITION_LINES} lines`,
        };
    }
    if (isSpace(c)) {
      afterSeparator = true;
      continue;
    }
    const flow = isFlowIndicator(c);
    if ((flow || afterSeparator) && ++tokens > MAX_DEFINITION_TOKENS) {
      return {
        ...at(i),
        problem: `has more than ${MAX_DEFINITION_TOKENS} words and "[]{},"`,
        allowed: `a lab definition of at most ${MAX_DEFINITION_TOKENS}`,
      };
    }
    afterSeparator = flow;
    if (opensFlow(c) && ++depth > MAX_FLOW_DEPTH)
      return {
        ...at(i),
        problem: `nests "[" or "{" more than ${MAX_FLOW_DEPTH} deep`,
        allowed: `at most ${MAX_FLOW_DEPTH} levels`,
      };
    if (closesFlow(c) && depth > 0) depth--;
  }
  return undefined;
}
