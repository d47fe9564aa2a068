// Strict UTF-8: Node's decoder turns bad bytes into U+FFFD silently, so a definition saved in
// Latin-1 would load with altered values. The first bad byte is found to say where it is.

/** Ranges of the bytes after a lead byte, per the Unicode standard's table of well-formed UTF-8. */
function continuations(lead: number): Array<[number, number]> | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [[0x80, 0xbf]];
  if (lead === 0xe0)
    return [
      [0xa0, 0xbf],
      [0x80, 0xbf],
    ];
  if (lead === 0xed)
    return [
      [0x80, 0x9f],
      [0x80, 0xbf],
    ];
  if (lead >= 0xe1 && lead <= 0xef)
    return [
      [0x80, 0xbf],
      [0x80, 0xbf],
    ];
  if (lead === 0xf0)
    return [
      [0x90, 0xbf],
      [0x80, 0xbf],
      [0x80, 0xbf],
    ];
  if (lead >= 0xf1 && lead <= 0xf3)
    return [
      [0x80, 0xbf],
      [0x80, 0xbf],
      [0x80, 0xbf],
    ];
  if (lead === 0xf4)
    return [
      [0x80, 0x8f],
      [0x80, 0xbf],
      [0x80, 0xbf],
    ];
  return undefined;
}

/** Offset of the first byte that starts no well-formed UTF-8 sequence, or -1 when there is none. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const next = continuations(lead);
    if (!next) return i;
    for (let k = 0; k < next.length; k++) {
      const byte = bytes[i + 1 + k];
      if (byte === undefined || byte < next[k]![0] || byte > next[k]![1]) return i;
    }
    i += 1 + next.length;
  }
  return -1;
}

/** Line and column (1-based, in bytes) of a byte offset. */
export function bytePosition(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
