// lab:graph: the picture of the lab, drawn from the definition alone; when the lab is up, the
// balancer that holds the VIP is asked and marked.
import { providerNames } from '../../providers/registry.ts';
import { join, resolve } from 'node:path';
import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { labPicture } from '../../graph/lab-picture.ts';
import { describeHolding, NOT_UP, readVipHolding, type VipHolding } from '../../graph/vip-holding.ts';
import { AUTO_PROVIDER, type ProviderChoice } from '../../lab/model.ts';
import { createProvider } from '../../providers/select-provider.ts';
import { fileInTheWay } from '../../files/file-in-the-way.ts';
import { MachineConnections } from '../../verify/transport/machine-connections.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import {
  LAB_OPTION_HELP,
  LAB_OPTIONS,
  labContext,
  PROVIDER_OPTION,
  providerChoice,
  type LabContext,
} from '../lab-options.ts';
import { KNOWN_HOSTS_FILE } from './provision.ts';
import { FORCE_HELP, FORCE_OPTION, outputFolder, writeOutputs } from '../output-files.ts';

/** provider's choices: auto, then the registered providers */
const PROVIDER_CHOICES = (): string[] => [AUTO_PROVIDER, ...providerNames()];

export const GRAPH_FILES = { svg: 'lab-graph.svg', dot: 'lab-graph.dot' } as const;

/** The provider whose management network the picture names, and who holds the VIP when the lab is up. */
async function labNow(
  context: LabContext,
  given: string | undefined,
  choice: ProviderChoice,
): Promise<{ provider: ProviderChoice; holding: VipHolding }> {
  const { lab, state } = context;
  const record = state.read();
  // Another lab's state is no reason to refuse a picture of this definition.
  if (!record) return { provider: choice, holding: NOT_UP };
  if (record.lab !== lab.name)
    return {
      provider: choice,
      holding: {
        holders: [],
        unknown: {
          en: `the state folder holds lab "${record.lab}"`,
          es: `la carpeta de estado tiene el laboratorio "${record.lab}"`,
        },
      },
    };
  if (given !== undefined && given !== record.provider)
    throw new UsageError(
      `--provider ${given}: lab "${lab.name}" is up with the ${record.provider} provider (leave --provider out)`,
    );
  // No machine is asked by a lab whose state lacks its provider's own files (lab:status says how to get back).
  const missing = state.missingUpEntries(record);
  if (missing.length > 0)
    return {
      provider: record.provider,
      holding: {
        holders: [],
        unknown: {
          en: `not asked: the state folder has no ${missing.join(', ')} (see lab:status)`,
          es: `sin preguntar: a la carpeta de estado le falta ${missing.join(', ')} (ver lab:status)`,
        },
      },
    };
  const connections = new MachineConnections(
    createProvider(record.provider, lab, state),
    new KnownHosts(state.path(KNOWN_HOSTS_FILE)),
  );
  try {
    return {
      provider: record.provider,
      holding: await readVipHolding(lab, (host, command) => connections.exec(host, command)),
    };
  } finally {
    connections.closeAll();
  }
}

export const graphCommand: Command = {
  name: 'graph',
  summary: `draw the lab (machines, roles, networks, VIP and, when it is up, its holder) as ${GRAPH_FILES.svg} and ${GRAPH_FILES.dot} (Graphviz); needs no lab up`,
  usage: 'graph [--out DIR] [--force] [--provider NAME] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, ...PROVIDER_OPTION, ...FORCE_OPTION, out: { type: 'string' } },
  optionHelp: {
    '--out DIR': `folder to write ${GRAPH_FILES.svg} and ${GRAPH_FILES.dot} into (default: the current folder; created if needed)`,
    ...FORCE_HELP,
    '--provider NAME': `${PROVIDER_CHOICES().join(' | ')}: whose NAT / management network the picture names when the lab is not up (default: the definition's provider field; auto names all three)`,
    ...LAB_OPTION_HELP,
  },
  async run(args) {
    const dir = resolve(stringOption(args, 'out') ?? '.');
    const blocker = fileInTheWay(dir);
    if (blocker)
      throw new UsageError(
        `--out ${dir}${blocker === dir ? '' : `: ${blocker}`} is a file, not a folder (allowed: a folder, created if needed)`,
      );
    const context = labContext(args);
    const folder = outputFolder(dir, `--out ${dir}`, context.state, args);
    // Refused before the lab is asked: nothing stands in the way of the two files.
    folder.check([]);
    const given = stringOption(args, 'provider');
    const now = await labNow(context, given, providerChoice(args, context.lab));
    const { dot, svg } = await labPicture(context.lab, now);
    writeOutputs(folder, context.state, [
      { path: GRAPH_FILES.svg, content: svg },
      { path: GRAPH_FILES.dot, content: dot },
    ]);
    console.log(
      `${join(dir, GRAPH_FILES.svg)} and ${GRAPH_FILES.dot} beside it: lab "${context.lab.name}", ${context.lab.hosts.length} machines on 3 networks; ${describeHolding(now.holding)}`,
    );
    return 0;
  },
};
