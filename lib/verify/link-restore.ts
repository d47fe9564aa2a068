// Links put back as they were before the checks (V8, V9 cut and degrade them): also after a
// check failed, threw or was interrupted, as run-checks.ts powers machines back on.
import type { LabProvider, LinkChange, LinkNetwork, LinkState } from '../providers/provider.ts';
import type { Speaker, Words } from '../said.ts';

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

/** A change's kind, as the Spanish sentence names it (the English one names the kind itself). */
const KIND_ES: Record<LinkChange['kind'], string> = {
  up: 'conexión',
  down: 'desconexión',
  loss: 'pérdida',
  delay: 'retardo',
  clear: 'limpieza',
};

/** What could not be put back, in words: the links not read, or one link not set back. */
function restoreProblem(problem: { read: string } | { link: LinkChangeBack; error: string }, say: Speaker): Words {
  if ('read' in problem)
    return say(
      `the links could not be read to restore them: ${problem.read}`,
      `no pudieron leerse los enlaces para restaurarlos: ${problem.read}`,
    );
  const { host, network, change } = problem.link;
  return say(
    `${host}'s ${network} link could not be put back (${change.kind}): ${problem.error}`,
    `el enlace ${network} de ${host} no pudo restaurarse (${KIND_ES[change.kind]}): ${problem.error}`,
  );
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Puts every link back as it was; what could not be put back, in words (nothing when all was). */
export async function restoreLinks(
  provider: Pick<LabProvider, 'links' | 'setLink'>,
  before: LinkState[],
  say: Speaker,
): Promise<Words[]> {
  let now: LinkState[];
  try {
    now = await provider.links();
  } catch (error) {
    return [restoreProblem({ read: message(error) }, say)];
  }
  const problems: Words[] = [];
  for (const link of changesBack(before, now)) {
    try {
      await provider.setLink(link.host, link.network, link.change);
    } catch (error) {
      problems.push(restoreProblem({ link, error: message(error) }, say));
    }
  }
  return problems;
}
