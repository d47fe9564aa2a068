// Pure edits of a text file's content: a managed block between markers, or one line that
// replaces the line matching a pattern. Kept apart from I/O so they are unit-tested directly.

export function blockMarkers(marker: string): { begin: string; end: string } {
  return { begin: `# BEGIN ${marker}`, end: `# END ${marker}` };
}

/** Puts block between the markers, replacing a previous block; appends it when absent. */
export function withBlock(content: string, marker: string, block: string): string {
  const { begin, end } = blockMarkers(marker);
  const body = block.endsWith('\n') ? block : `${block}\n`;
  const managed = `${begin}\n${body}${end}\n`;
  const lines = content.split('\n');
  const start = lines.indexOf(begin);
  const stop = start === -1 ? -1 : lines.indexOf(end, start);
  if (start !== -1 && stop !== -1) {
    const before = lines.slice(0, start).join('\n');
    const after = lines.slice(stop + 1).join('\n');
    return `${before ? `${before}\n` : ''}${managed}${after}`;
  }
  const base = content === '' || content.endsWith('\n') ? content : `${content}\n`;
  return `${base}${managed}`;
}

/** Replaces the last line matching pattern with line (or appends it); removes other matches. */
export function withLine(content: string, line: string, pattern: RegExp): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const matches = lines.flatMap((l, i) => (pattern.test(l) || l === line ? [i] : []));
  if (matches.length === 0) return `${[...lines, line].join('\n')}\n`;
  const keep = matches[matches.length - 1]!;
  const result = lines.flatMap((l, i) => (i === keep ? [line] : matches.includes(i) ? [] : [l]));
  return `${result.join('\n')}\n`;
}
