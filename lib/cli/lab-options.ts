// Options shared by every command that works on a lab: which definition, which state folder,
// which provider.
import { providerNames } from '../providers/registry.ts';
import { DEFAULT_LAB_FILE, type LabRule } from '../lab/load.ts';
import { loadLab } from '../farm/load-lab.ts';
import { hostConfigChecks, type HostCheck } from '../../roles/components.ts';
import { AUTO_PROVIDER, type Lab, type ProviderChoice } from '../lab/model.ts';
import { createProvider } from '../providers/select-provider.ts';
import type { LabProvider } from '../providers/provider.ts';
import { DEFAULT_STATE_DIR, LabStateDir, StateMismatch } from '../state/lab-state.ts';
import { labStateDir } from '../farm/lab-state-dir.ts';
import { stringOption, UsageError, type OptionSpec, type ParsedCommandLine } from './command.ts';

/** provider's choices: auto, then the registered providers */
const PROVIDER_CHOICES = (): string[] => [AUTO_PROVIDER, ...providerNames()];

export const LAB_OPTIONS: OptionSpec = {
  lab: { type: 'string' },
  state: { type: 'string' },
};

export const PROVIDER_OPTION: OptionSpec = { provider: { type: 'string' } };

export const LAB_OPTION_HELP: Record<string, string> = {
  '--lab FILE': `lab definition to use (default: ${DEFAULT_LAB_FILE})`,
  '--state DIR': `the lab's state folder (default: ${DEFAULT_STATE_DIR})`,
};

export const PROVIDER_OPTION_HELP: Record<string, string> = {
  '--provider NAME': `${PROVIDER_CHOICES().join(' | ')} (default: the definition's provider field)`,
};

export interface LabContext {
  lab: Lab;
  state: LabStateDir;
}

export function labContext(args: ParsedCommandLine, rules: readonly LabRule[] = []): LabContext {
  return {
    lab: loadLab(stringOption(args, 'lab') ?? DEFAULT_LAB_FILE, rules),
    state: labStateDir(stringOption(args, 'state') ?? DEFAULT_STATE_DIR),
  };
}

/**
 * For commands that create machines or judge the definition: the lab also checked by the host's
 * own validators of its components' files (haproxy -c, keepalived -t, nginx -t) where they are
 * installed. `hostChecks` says what each did; `haproxyCheck` is haproxy -c's, then the others',
 * one per line, as lab:validate prints it after "haproxy.cfg: ".
 */
export function checkedLabContext(
  args: ParsedCommandLine,
): LabContext & { haproxyCheck: string; hostChecks: HostCheck[] } {
  const { rule, checks } = hostConfigChecks();
  const context = labContext(args, [rule]);
  const haproxy = checks.find((check) => check.files === 'haproxy.cfg');
  const others = checks.filter((check) => check !== haproxy).map((check) => `\n  ${check.files}: ${check.says}`);
  return { ...context, haproxyCheck: `${haproxy?.says ?? 'not checked'}${others.join('')}`, hostChecks: checks };
}

export function providerChoice(args: ParsedCommandLine, lab: Lab): ProviderChoice {
  const given = stringOption(args, 'provider');
  if (given === undefined) return lab.provider;
  if (!(PROVIDER_CHOICES() as readonly string[]).includes(given)) {
    throw new UsageError(`--provider: "${given}" is not a provider (allowed: ${PROVIDER_CHOICES().join(', ')})`);
  }
  return given as ProviderChoice;
}

/**
 * The provider that brought the lab up, for commands that act on its machines. Commands check
 * their own options against the lab first, so an option error is said before "not up".
 */
export function upLab(context: LabContext): LabContext & { provider: LabProvider } {
  const record = context.state.checkUp(context.lab);
  if (!record)
    throw new StateMismatch(`lab "${context.lab.name}" is not up (no state in ${context.state.dir}); run lab:up first`);
  return { ...context, provider: createProvider(record.provider, context.lab, context.state) };
}

/** The one host named on the command line, checked against the lab. */
export function hostArgument(args: ParsedCommandLine, lab: Lab, usage: string): string {
  const host = args.positionals[0];
  if (!host) throw new UsageError(`name a host: ${usage} (hosts: ${lab.hosts.map((h) => h.name).join(', ')})`);
  if (!lab.hosts.some((h) => h.name === host))
    throw new UsageError(`no host named "${host}" in ${lab.file} (hosts: ${lab.hosts.map((h) => h.name).join(', ')})`);
  return host;
}
