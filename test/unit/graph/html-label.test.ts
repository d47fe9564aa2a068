import { describe, expect, it } from 'vitest';
import { labelText } from '../../../lib/graph/html-label.ts';

describe('labelText', () => {
  it('turns the markup characters into entities, & first', () => {
    expect(labelText(`<b>&amp;"'`)).toBe('&lt;b&gt;&amp;amp;&quot;&#39;');
  });
  it("doubles a backslash, which Graphviz would read as the start of \\N (the node's ID) and its like", () => {
    expect(labelText('a\\N\\')).toBe('a\\\\N\\\\');
  });
  it('shows control characters, which XML cannot hold, as U+FFFD', () => {
    expect(labelText('a\nb\x00c\x7f')).toBe('a\uFFFDb\uFFFDc\uFFFD');
  });
  it('leaves plain text and non-ASCII as they are', () => {
    expect(labelText('Bienvenido a nginx! 192.168.1.0/24 ñ')).toBe('Bienvenido a nginx! 192.168.1.0/24 ñ');
  });
});
