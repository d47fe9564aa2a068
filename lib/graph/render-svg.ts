// DOT to SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no native build, no program
// on the host, the same layout on every machine. The instance is made once per process, and the
// module loaded only then: every command imports this file, few draw.
import type { Viz } from '@viz-js/viz';

let viz: Promise<Viz> | undefined;

export async function dotToSvg(dot: string): Promise<string> {
  viz ??= import('@viz-js/viz').then((module) => module.instance());
  const result = (await viz).render(dot, { format: 'svg', engine: 'dot' });
  // The DOT is made by topology-dot.ts: a refusal is a bug there, not the user's.
  if (result.status !== 'success')
    throw new Error(`Graphviz refused the lab's graph: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.output;
}
