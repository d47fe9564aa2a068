// Bounds on the definition's text, checked before the YAML parser sees it. The parser's time
// grows with the number of tokens (a line of 500 "? " takes it 4 ms, 1,000 such lines 4 s),
// deeply nested "[[[[…" exhausts its stack or aborts Node outright (5,000 levels: out of
// memory), and so does nesting by indentation (5,000 levels: "Maximum call stack size
// exceeded"). A lab file has a few hundred lines, a few thousand tokens, and is nested 4 deep.
// Its lines end in LF or CRLF: YAML reads a CR alone as a line break too, but every position a
// message gives counts LFs, so a file of CR-only lines (classic Mac OS) would be one long line.

export const MAX_DEFINITION_LINES = 10_000;
export const MAX_DEFINITION_TOKENS = 20_000;
export const MAX_FLOW_DEPTH = 32;
/** Blocks nested by indentation, and by "- ", "? " or ": " opening a block on the line of another. */
export const MAX_BLOCK_DEPTH = 32;

export interface TextBoundProblem {
  /** where the character that went past the bound is, 1-based */
  line: number;
  column: number;
  problem: string;
  allowed: string;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isBlank = (c: number) => c === 0x20 || c === 0x09;
const endsLine = (c: number) => Number.isNaN(c) || c === 0x0a || c === 0x0d;
const opensFlow = (c: number) => c === 0x5b || c === 0x7b;
const closesFlow = (c: number) => c === 0x5d || c === 0x7d;
const isFlowIndicator = (c: number) => opensFlow(c) || closesFlow(c) || c === 0x2c;
/** "-", "?" and ":" open a block when a space or the line's end follows them */
const opensBlock = (c: number) => c === 0x2d || c === 0x3f || c === 0x3a;
/** a line that ends with a block scalar's header ("|", ">-", "|2+"), a comment after it allowed */
const BLOCK_SCALAR_HEADER = /(?:^|[ \t])[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$/;

/**
 * The columns at which the blocks of the line that starts at `start` begin: its indentation, then
 * one more for each "- ", "? " or ": " that opens a block on the same line (`- - x`). Undefined
 * for a blank or comment line, which opens nothing.
 */
function blockColumns(text: string, start: number): { columns: number[]; end: number } | undefined {
  let i = start;
  while (text.charCodeAt(i) === 0x20) i++;
  if (endsLine(text.charCodeAt(i)) || text.charCodeAt(i) === 0x23) return undefined;
  const columns = [i - start];
  while (opensBlock(text.charCodeAt(i)) && (isBlank(text.charCodeAt(i + 1)) || endsLine(text.charCodeAt(i + 1)))) {
    i++;
    while (isBlank(text.charCodeAt(i))) i++;
    if (endsLine(text.charCodeAt(i)) || text.charCodeAt(i) === 0x23) break;
    columns.push(i - start);
  }
  let end = i;
  while (!endsLine(text.charCodeAt(end))) end++;
  return { columns, end };
}

/**
 * Nesting by indentation, one line at a time: the columns of the blocks open on the current
 * line's path, as YAML nests them. The lines of a block scalar (`|`, `>`) are its text, not
 * blocks; lines inside a flow collection (`[`, `{`) are counted by the flow depth instead.
 */
class BlockNesting {
  private open: number[] = [];
  /** the column a block scalar's header line is at: more-indented lines after it are its text */
  private scalarParent: number | undefined;

  /** The depth the line starting at `start` reaches, and the column where it does. */
  line(text: string, start: number): { depth: number; column: number } | undefined {
    const found = blockColumns(text, start);
    if (!found) return undefined;
    const { columns, end } = found;
    if (this.scalarParent !== undefined && columns[0]! > this.scalarParent) return undefined;
    this.scalarParent = undefined;
    for (const column of columns) {
      while (this.open.length > 0 && this.open[this.open.length - 1]! >= column) this.open.pop();
      this.open.push(column);
    }
    if (BLOCK_SCALAR_HEADER.test(text.slice(start, end))) this.scalarParent = columns[columns.length - 1];
    return { depth: this.open.length, column: columns[columns.length - 1]! + 1 };
  }
}

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
  const blocks = new BlockNesting();
  const at = (i: number) => ({ line: lines, column: i - lineStart + 1 });
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (i === lineStart && depth === 0) {
      const reached = blocks.line(text, i);
      if (reached && reached.depth > MAX_BLOCK_DEPTH)
        return {
          line: lines,
          column: reached.column,
          problem: `nests blocks more than ${MAX_BLOCK_DEPTH} levels deep by indentation`,
          allowed: `at most ${MAX_BLOCK_DEPTH} levels (a lab definition is 4 deep)`,
        };
    }
    if (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)
      return {
        ...at(i),
        problem: `line ${lines} ends with a carriage return (CR) that no line feed (LF) follows: CR-only line endings (classic Mac OS), which would make every position in a message wrong`,
        allowed: 'lines ending in LF (Linux, macOS) or CRLF (Windows)',
      };
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
