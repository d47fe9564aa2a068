import { registrationOf } from '../../providers/registry.ts';
import { KNOWN_HOSTS_ENTRY } from '../../state/state-entries.ts';
import { labInventory } from '../../../roles/lab-inventory.ts';
import { farmPlaybook } from '../../../roles/playbook.ts';
import { roleContexts } from '../../../roles/role-context.ts';
import { runLabPlay } from '../../../roles/run-lab-play.ts';
import { recapSucceeded } from '../../engine/recap.ts';
import { JsonReporter } from '../../engine/report/json-reporter.ts';
import { ListrReporter } from '../../engine/report/listr-reporter.ts';
import { PlainReporter } from '../../engine/report/plain-reporter.ts';
import { ProfilingReporter } from '../../engine/report/play-profile.ts';
import type { PlayReporter } from '../../engine/report/reporter.ts';
import { playbookTags } from '../../engine/play-tags.ts';
import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { haStackOf } from '../../../roles/components.ts';
import { findHost, type Lab } from '../../lab/model.ts';
import { definitionFacts } from '../../../roles/render-lab.ts';
import { LAB_SECRETS, loadSecrets, type LabSecrets } from '../../farm/lab-secrets.ts';
import { awaitFarm, servingBoundMs } from '../../verify/farm-serves.ts';
import { listOption, numberOption, UsageError, type Command, type ParsedCommandLine } from '../command.ts';
import { connectionsFor } from '../held-connections.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';

export const KNOWN_HOSTS_FILE = KNOWN_HOSTS_ENTRY;

/** Stands for the lab's secrets where tasks are built only to read their tags. */
const NO_SECRETS = Object.fromEntries(LAB_SECRETS.map((spec) => [spec.name, 'unused'])) as LabSecrets;

/** The tags --tags may name: those of the tasks the playbook gives the lab's hosts. */
export function existingTags(lab: Lab): string[] {
  const contextOf = roleContexts(lab, NO_SECRETS);
  return playbookTags(farmPlaybook(lab), labInventory(lab), (host) =>
    contextOf(host, definitionFacts(lab, findHost(lab, host.name))),
  );
}

/** --limit, --tags and --forks checked against the lab before anything connects. */
export function provisionSettings(args: ParsedCommandLine, lab: Lab) {
  const hostNames = lab.hosts.map((h) => h.name);
  const limit = listOption(args, 'limit', `host names of the lab: ${hostNames.join(', ')}`) ?? [];
  const unknown = limit.filter((name) => !hostNames.includes(name));
  if (unknown.length > 0)
    throw new UsageError(
      `--limit: no host named ${unknown.join(', ')} in ${lab.file} (hosts: ${hostNames.join(', ')})`,
    );
  // every role's tasks built for every host: only when there are tags to check
  const known = args.values.tags === undefined ? [] : existingTags(lab);
  const tags = listOption(args, 'tags', `tags of the lab's tasks: ${known.join(', ')}`) ?? [];
  const unknownTags = tags.filter((tag) => !known.includes(tag));
  if (unknownTags.length > 0)
    throw new UsageError(`--tags: no task has the tag ${unknownTags.join(', ')} (tags: ${known.join(', ')})`);
  const forks = numberOption(args, 'forks', { what: 'a whole number', fraction: false, min: 1, max: 64 }) ?? 5;
  return {
    check: args.values.check === true,
    diff: args.values.diff === true,
    verbose: args.values.verbose === true,
    json: args.values.json === true,
    profile: args.values.profile === true,
    limit,
    tags,
    forks,
    wait: args.values['no-wait'] !== true,
  };
}

/**
 * On machines hafarm did not make, the files are the student's own work: provisioning would
 * write the tutorial's over them (and new passwords). Only the tools (curl, tcpdump) go in
 * without --force; --check changes nothing and is always allowed.
 */
function refuseOverAdoptedFiles(provider: string, settings: { check: boolean; tags: string[] }, force: boolean): void {
  if (!registrationOf(provider).adoptsMachines || force || settings.check) return;
  if (settings.tags.length > 0 && settings.tags.every((tag) => tag === 'tools')) return;
  throw new UsageError(
    "lab:provision would write the tutorial's files from the definition over the ones on these machines, which hafarm did not make (haproxy.cfg, ha.cf, authkeys, haresources, the pages, /etc/hosts), with new passwords: pass --force to do that, --check to see what it would change, or --tags tools to install only curl and tcpdump for lab:verify. Nothing was changed.",
  );
}

export const provisionCommand: Command = {
  name: 'provision',
  summary: "run the tutorial's steps (network, hosts, heartbeat, haproxy, nginx) as idempotent tasks over SSH",
  usage:
    'provision [--check] [--diff] [--limit HOST[,HOST]] [--tags TAG[,TAG]] [--verbose] [--json] [--profile] [--forks N] [--no-wait] [--force]',
  options: {
    ...LAB_OPTIONS,
    check: { type: 'boolean' },
    diff: { type: 'boolean' },
    limit: { type: 'string' },
    tags: { type: 'string' },
    verbose: { type: 'boolean' },
    json: { type: 'boolean' },
    profile: { type: 'boolean' },
    forks: { type: 'string' },
    'no-wait': { type: 'boolean' },
    force: { type: 'boolean' },
  },
  optionHelp: {
    '--check': 'report what would change, change nothing',
    '--diff': 'show the before/after of every changed file',
    '--limit HOST[,HOST]': 'only these hosts',
    '--tags TAG[,TAG]':
      'only tasks with these tags: a role (network, hosts, heartbeat, haproxy, nginx, tools) or a step ID (T2…T11)',
    '--verbose': 'print every task result, ok ones too, as plain lines',
    '--json': 'one JSON object per task result on stdout, then the recap',
    '--profile':
      'after the recap, how long each task took on each host and each host in all, slowest first (with --json: one more object, "event": "profile", before the recap)',
    '--forks N': 'how many hosts at once (default 5)',
    '--no-wait':
      'return as soon as the tasks are done, without waiting for the farm to serve (a full run waits by default)',
    '--force':
      "on machines hafarm did not make (provider existing): write the tutorial's files from the definition over the ones there",
    ...LAB_OPTION_HELP,
  },
  async run(args) {
    const context = labContext(args);
    const settings = provisionSettings(args, context.lab);
    const { lab, state, provider } = upLab(context);
    refuseOverAdoptedFiles(provider.name, settings, args.values.force === true);
    const endpoints = await provider.sshEndpoints();
    const knownHosts = new KnownHosts(state.path(KNOWN_HOSTS_FILE));
    const connectionFor = await connectionsFor(state, { knownHosts });
    const hosts = lab.hosts.map((h) => h.name).filter((h) => settings.limit.length === 0 || settings.limit.includes(h));
    const reportOptions = { verbose: settings.verbose, diff: settings.diff, check: settings.check };
    const shown: PlayReporter = settings.json
      ? new JsonReporter()
      : process.stdout.isTTY && !settings.verbose
        ? new ListrReporter(hosts, reportOptions)
        : new PlainReporter(reportOptions);
    const reporter = settings.profile
      ? new ProfilingReporter(shown, { json: settings.json, write: (line) => process.stdout.write(`${line}\n`) })
      : shown;
    const outcome = await runLabPlay(
      lab,
      farmPlaybook(lab),
      endpoints,
      { ...settings, knownHosts, connectionFor, secrets: loadSecrets(state) },
      (event) => reporter.onEvent(event),
    );
    await reporter.finish(outcome);
    if (!recapSucceeded(outcome.recap)) return 1;
    // A partial run (or a dry one) may not be meant to leave a serving farm: no wait.
    if (settings.check || !settings.wait || settings.limit.length > 0 || settings.tags.length > 0) return 0;
    const say = (line: string) => (settings.json ? console.error(line) : console.log(line));
    say(
      `\nwaiting for the farm to serve ${lab.vip.name} (VIP ${lab.vip.address}; up to ${servingBoundMs(lab) / 1000} s: ${haStackOf(lab).startupReason(lab)})…`,
    );
    const farm = await awaitFarm(lab, provider, knownHosts, state.path('report'));
    if (!farm.serves) {
      console.error(
        `hafarm: provisioned, but the farm does not serve: ${farm.problem}. npm run lab:verify says what works and what does not.`,
      );
      return 1;
    }
    say(
      `the farm serves: http://${lab.vip.name}${lab.haproxy.port === 80 ? '' : `:${lab.haproxy.port}`}/ answers through ${farm.holder} (${farm.seconds.toFixed(1)} s)`,
    );
    return 0;
  },
};
