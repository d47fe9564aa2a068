// The definition lab:import writes, as YAML a person reads and edits: a header saying where it
// came from, then the fields in lab.yaml's order. Every string is written double-quoted (JSON's
// escapes are YAML's), so that nothing read from a machine can become YAML of its own.

type Value = string | number | boolean | readonly Value[] | { readonly [key: string]: Value | undefined };

const KEY = /^[a-z_][a-z0-9_]*$/;

function scalar(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function lines(value: Value, indent: string): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item: Value) => {
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.trimStart()}`, ...rest];
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => {
      if (item === undefined) return [];
      // keys are hafarm's field names or machine names the definition's checks accept
      const name = KEY.test(key) ? key : JSON.stringify(key);
      if (typeof item === 'object' && !(Array.isArray(item) && item.length === 0))
        return [`${indent}${name}:`, ...lines(item, `${indent}  `)];
      return [`${indent}${name}: ${Array.isArray(item) ? '[]' : scalar(item as string | number | boolean)}`];
    });
  }
  return [`${indent}${scalar(value)}`];
}

export function definitionYaml(definition: Record<string, Value>, machines: readonly string[], when: Date): string {
  return [
    `# The farm on ${machines.join(', ')}, as lab:import read it from the machines on ${when.toISOString()}.`,
    '# Check it, then: npm run lab:validate -- --lab THIS_FILE; npm run lab:up and lab:verify with it.',
    '# Power commands (existing.<machine>.power.off/on) are yours to add: without them V3-V7 are not run.',
    ...Object.entries(definition).flatMap(([key, value]) => ['', ...lines({ [key]: value }, '')]),
    '',
  ].join('\n');
}
