// The `ha:` section of the lab definition: which HA stack keeps the VIP (ha.stack) and the
// networks its members hear each other on (ha.paths). Absent, the tutorial holds: Heartbeat on
// the heartbeat network alone.
import type { Node } from 'yaml';
import type { DefinitionParts } from './definition-parts.ts';
import { HA_PATHS, type HaPath, type Lab } from './model.ts';
import type { FieldReader } from './yaml-fields.ts';

export const DEFAULT_HA_PATHS: readonly HaPath[] = ['heartbeat'];

const PATHS_ALLOWED = `a list of distinct networks among ${HA_PATHS.join(', ')}, heartbeat among them, such as [heartbeat, lan]`;

function readPaths(r: FieldReader, node: Node | undefined): HaPath[] | undefined {
  const paths = r.oneOfList(['ha', 'paths'], node, HA_PATHS);
  if (!paths) return undefined;
  const repeated = paths.find((p, i) => paths.indexOf(p) !== i);
  if (repeated) return r.reportField(['ha', 'paths'], `${repeated} is listed twice`, PATHS_ALLOWED);
  // The heartbeat network is the balancers' own: the LAN is a second path beside it, never instead.
  if (!paths.includes('heartbeat'))
    return r.reportField(
      ['ha', 'paths'],
      "has no heartbeat: the heartbeat network is the members' own path, the LAN only a second one",
      PATHS_ALLOWED,
    );
  return paths;
}

export function readHaSection(
  r: FieldReader,
  node: Node | undefined,
  present: boolean,
  stacks: DefinitionParts['haStacks'],
): Lab['ha'] | undefined {
  if (!present) return { stack: stacks.default, paths: [...DEFAULT_HA_PATHS] };
  const map = r.map(['ha'], node, [], ['stack', 'paths']);
  if (!map) return undefined;
  const stack = map.has('stack') ? r.oneOf(['ha', 'stack'], r.child(map, 'stack'), stacks.names) : stacks.default;
  const paths = map.has('paths') ? readPaths(r, r.child(map, 'paths')) : [...DEFAULT_HA_PATHS];
  return stack !== undefined && paths ? { stack, paths } : undefined;
}

/** Whether the members also hear each other over the LAN (ha.paths). */
export function hasSecondPath(lab: Lab): boolean {
  return lab.ha.paths.length > 1;
}
