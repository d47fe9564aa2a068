// Text into Graphviz's HTML-like labels (label=<...>): the markup characters become entities, so
// no value of the definition can open a tag or close the label, whatever the loader allows.
// Graphviz still reads \N, \G, \L... in that text as its own escapes (an entity does not stop
// it): a backslash is doubled, which Graphviz reads as one. It writes the text into the SVG
// escaped for XML.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\\': '\\\\',
};

export function labelText(text: string): string {
  // Control characters have no place in XML, not even as references: shown as U+FFFD.
  return text.replace(/[\x00-\x1f\x7f]/g, '\uFFFD').replace(/[&<>"'\\]/g, (c) => ENTITIES[c]!);
}
