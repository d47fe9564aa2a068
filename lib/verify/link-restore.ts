// Links put back as they were before the checks (V8, V9 cut and degrade them): also after a
// check failed, threw or was interrupted, as run-checks.ts powers machines back on.
import type { LabProvider, LinkChange, LinkNetwork, LinkState } from '../providers/provider.ts';

export interface LinkChangeBack {
  host: string;
  network: LinkNetwork;
  change: LinkChange;
}

/** The changes that make each link of `now` as it was in `before`: its cable, its loss, its delay. */
export function changesBack(before: LinkState[], now: LinkState[]): LinkChangeBack[] {
  return now.flatMap((link) => {
    const was = before.find((b) => b.host === link.host && b.network === link.network);
    if (!was) return [];
    const at = { host: link.host, network: link.network };
    return [
      ...(link.up !== was.up ? [{ ...at, change: { kind: was.up ? 'up' : 'down' } as LinkChange }] : []),
      ...(link.lossPercent !== was.lossPercent
        ? [{ ...at, change: { kind: 'loss', percent: was.lossPercent } as LinkChange }]
        : []),
      ...(link.delayMs !== was.delayMs ? [{ ...at, change: { kind: 'delay', ms: was.delayMs } as LinkChange }] : []),
    ];
  });
}

/** Puts every link back as it was; what could not be put back, in words (nothing when all was). */
export async function restoreLinks(
  provider: Pick<LabProvider, 'links' | 'setLink'>,
  before: LinkState[],
): Promise<string[]> {
  let now: LinkState[];
  try {
    now = await provider.links();
  } catch (error) {
    return [`the links could not be read to restore them: ${error instanceof Error ? error.message : String(error)}`];
  }
  const problems: string[] = [];
  for (const { host, network, change } of changesBack(before, now)) {
    try {
      await provider.setLink(host, network, change);
    } catch (error) {
      problems.push(
        `${host}'s ${network} link could not be put back (${change.kind}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return problems;
}
