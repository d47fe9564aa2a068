import type { Lab, ProviderName } from '../../lab/model.ts';
import { providerNames } from '../../providers/registry.ts';
import { createProvider } from '../../providers/select-provider.ts';
import type { LabStateDir, LabStateRecord } from '../../state/lab-state.ts';
import { listNames, NotAStateFolder, StateDamaged } from '../../state/state-problems.ts';
import { stringOption, UsageError, type Command, type ParsedCommandLine } from '../command.ts';
import { releaseHeldConnections } from '../held-connections.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext } from '../lab-options.ts';

/** --provider: only for a folder whose record is lost or damaged, where nothing else says which provider made the machines. */
function givenProvider(args: ParsedCommandLine): ProviderName | undefined {
  const given = stringOption(args, 'provider');
  if (given === undefined) return undefined;
  if (!providerNames().includes(given))
    throw new UsageError(
      `--provider: "${given}" is not allowed here (allowed: ${providerNames().join(', ')}: the provider the lab was brought up with)`,
    );
  return given as ProviderName;
}

/** The record; a damaged one counts as lost when the user has said which provider made the machines. */
function recordOf(state: LabStateDir, lab: Lab, given: ProviderName | undefined): LabStateRecord | undefined {
  try {
    return state.check(lab);
  } catch (error) {
    if (error instanceof StateDamaged && given) return undefined;
    throw error;
  }
}

/**
 * Which provider destroys the machines: the record's; without a record, the one the user named,
 * or none when the folder shows no sign of machines. Everything is decided before anything goes.
 */
function destroyingProvider(state: LabStateDir, lab: Lab, given: ProviderName | undefined): ProviderName | undefined {
  const contents = state.contents();
  const record = contents.kind === 'folder' ? recordOf(state, lab, given) : undefined;
  if (record) {
    if (given && given !== record.provider)
      throw new UsageError(
        `--provider: lab "${lab.name}" was brought up with ${record.provider} (its record in ${state.dir} says so); leave --provider out`,
      );
    return record.provider;
  }
  if (contents.kind === 'absent' || given) return given;
  if (contents.foreign.length > 0)
    throw new NotAStateFolder({ reason: 'foreign', dir: state.dir, foreign: contents.foreign, doing: 'destroy' });
  const traces = contents.ours.filter((name) => state.layout.machineTraces.includes(name));
  if (traces.length > 0)
    throw new NotAStateFolder({
      reason: 'machines-without-record',
      dir: state.dir,
      traces,
      lab: lab.name,
      providers: state.layout.providers,
    });
  return undefined;
}

export const destroyCommand: Command = {
  name: 'destroy',
  summary: 'remove every machine, network and file the lab made, and nothing else',
  usage: 'destroy [--lab FILE] [--state DIR] [--provider NAME]',
  options: { ...LAB_OPTIONS, provider: { type: 'string' } },
  optionHelp: {
    ...LAB_OPTION_HELP,
    '--provider NAME': `${providerNames().join(' | ')}: only for a state folder that lost its record (lab-state.json), to say which provider made the machines`,
  },
  async run(args) {
    const { lab, state } = labContext(args);
    const name = destroyingProvider(state, lab, givenProvider(args));
    const provider = name === undefined ? undefined : createProvider(name, lab, state);
    // the held connections go first: nothing of the lab may stay running once it is destroyed
    await releaseHeldConnections(state);
    await provider?.destroy();
    const removal = state.removeOwnEntries();
    const what = provider ? `destroyed (${provider.name})` : 'nothing to destroy';
    const files =
      removal.folder === 'removed'
        ? `${state.dir} removed`
        : removal.removed.length > 0
          ? `removed ${listNames(removal.removed, 20)} from ${state.dir}`
          : `no state in ${state.dir}`;
    console.log(`lab "${lab.name}": ${what}; ${files}`);
    if (removal.kept.length > 0)
      console.log(`kept ${state.dir} and what hafarm did not make in it: ${listNames(removal.kept, 20)}`);
    if (removal.folder === 'mount point')
      console.log(`kept the empty folder ${state.dir}: a file system is mounted on it`);
    const kept = await provider?.keptAfterDestroy?.();
    if (kept) console.log(`kept: ${kept}`);
    return 0;
  },
};
