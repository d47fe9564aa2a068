// What of YAML a lab definition may use, checked on the parsed document before any field is
// read: a bounded number of nodes and nesting (so that the readers after stay fast), no aliases
// or anchors (a field reader would see the alias, not its value, and call its type wrong), no
// tags (values are read as written), and text of whole Unicode characters: every key and value
// of the document passes here, so a "\ud800" escape is refused in any field, known or not.
import { isAlias, isCollection, isNode, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import type { FieldPath } from './yaml-fields.ts';
import { isWellFormed } from '../printable.ts';

/** The largest lab allowed has about 3,000 nodes, nested 3 deep. */
export const MAX_DEFINITION_NODES = 10_000;
export const MAX_DEFINITION_DEPTH = 8;

export interface YamlShapeProblem {
  path: FieldPath;
  node: Node;
  problem: string;
  allowed: string;
}

/** The field a node belongs to, from the ancestors visit() passes. */
function fieldPath(ancestors: readonly unknown[], node: unknown): FieldPath {
  const chain = [...ancestors, node];
  return chain.flatMap<string | number>((item, i) => {
    const child = chain[i + 1];
    if (isPair(item) && child !== undefined && child === item.value)
      return [isScalar(item.key) ? String(item.key.value) : '(key)'];
    if (isSeq(item) && child !== undefined) return [item.items.indexOf(child as never)];
    return [];
  });
}

interface Refusal {
  problem: string;
  allowed: string;
  /** past a bound the rest is not looked at: one problem says it */
  stop: boolean;
}

function refusal(node: Node, ancestors: readonly unknown[], nodes: number): Refusal | undefined {
  if (nodes > MAX_DEFINITION_NODES)
    return {
      problem: `the definition holds more than ${MAX_DEFINITION_NODES} keys and values`,
      allowed: `at most ${MAX_DEFINITION_NODES}`,
      stop: true,
    };
  if (ancestors.filter(isCollection).length > MAX_DEFINITION_DEPTH)
    return {
      problem: `nested more than ${MAX_DEFINITION_DEPTH} levels deep`,
      allowed: `at most ${MAX_DEFINITION_DEPTH} levels`,
      stop: true,
    };
  if (isAlias(node) || node.anchor)
    return { problem: 'YAML aliases/anchors are not supported', allowed: 'the value written out in full', stop: false };
  if (node.tag)
    return {
      problem: `YAML tags are not supported (${node.tag})`,
      allowed: 'a plain value without a "!" tag',
      stop: false,
    };
  if (isScalar(node) && typeof node.value === 'string' && !isWellFormed(node.value)) {
    const lone = /\p{Cs}/u.exec(node.value)![0].charCodeAt(0).toString(16);
    return {
      problem: `holds a lone UTF-16 surrogate (\\u${lone}, from a "\\u" escape): written to a file it becomes U+FFFD, so what the farm serves or writes would never match the definition`,
      allowed: 'whole Unicode characters: a surrogate pair such as "\\ud83d\\ude00", or "\\U0001F600"',
      stop: false,
    };
  }
  return undefined;
}

export function yamlShapeProblems(doc: Document): YamlShapeProblem[] {
  const problems: YamlShapeProblem[] = [];
  let nodes = 0;
  visit(doc, (_key, node, ancestors) => {
    if (!isNode(node)) return undefined;
    const found = refusal(node, ancestors, ++nodes);
    if (!found) return undefined;
    problems.push({ path: fieldPath(ancestors, node), node, problem: found.problem, allowed: found.allowed });
    return found.stop ? visit.BREAK : visit.SKIP;
  });
  return problems;
}
