import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { hostConfigChecks } from '../../../roles/components.ts';
import { parseLab } from '../../farm/load-lab.ts';
import { TargetFolder } from '../../files/target-folder.ts';
import { importFarm, type MachineToImport } from '../../import/import-farm.ts';
import { formatDefinitionIssue, LabDefinitionError } from '../../lab/definition-error.ts';
import { PATTERNS } from '../../lab/field-values.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { FORCE_HELP, FORCE_OPTION } from '../output-files.ts';

/** --machine NAME=[USER@]HOST[:PORT], each part checked as the definition will check it. */
export function machineOption(text: string): MachineToImport {
  const match = /^([^=]+)=(?:([^@]+)@)?([^:@\s]+)(?::(\d{1,5}))?$/.exec(text);
  const usage = 'NAME=[USER@]HOST[:PORT], such as haproxy1=alumno@192.168.56.11';
  if (!match) throw new UsageError(`--machine: "${text}" is not ${usage}`);
  const [, name, user = 'root', host, port = '22'] = match;
  if (!PATTERNS.hostname.re.test(name!))
    throw new UsageError(`--machine: "${name}" is no machine name (${PATTERNS.hostname.allowed})`);
  if (!/^[a-z_][a-z0-9_.-]{0,31}$/.test(user)) throw new UsageError(`--machine: "${user}" is no login name`);
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(host!)) throw new UsageError(`--machine: "${host}" is no address or host name`);
  const number = Number(port);
  if (number < 1 || number > 65535) throw new UsageError(`--machine: port ${port} is out of range (1 to 65535)`);
  return { name: name!, user, host: host!, port: number };
}

export const importCommand: Command = {
  name: 'import',
  summary:
    'write the definition of a farm built by hand from its machines (provider existing): reads each machine over SSH, changing nothing, and checks the result as lab:validate does',
  usage: 'import --machine NAME=[USER@]HOST[:PORT] … --key FILE [--name NAME] [--out FILE] [--force]',
  options: {
    machine: { type: 'string', multiple: true },
    key: { type: 'string' },
    name: { type: 'string' },
    out: { type: 'string' },
    ...FORCE_OPTION,
  },
  optionHelp: {
    '--machine NAME=[USER@]HOST[:PORT]':
      'one per machine of the farm, as you reach it over SSH (USER root by default; another user needs sudo without a password)',
    '--key FILE': 'the private key you log in to the machines with',
    '--name NAME': 'the lab\'s name in the definition (default "farm")',
    '--out FILE': 'where the definition goes (default farm.yaml in the current folder)',
    ...FORCE_HELP,
  },
  async run(args) {
    const given = args.values.machine;
    const machines = (Array.isArray(given) ? given : []).map((m) => machineOption(String(m)));
    if (machines.length === 0)
      throw new UsageError('name the machines: --machine haproxy1=USER@HOST … (one per machine of the farm)');
    const twice = machines.find((m, i) => machines.findIndex((o) => o.name === m.name) !== i);
    if (twice) throw new UsageError(`--machine: ${twice.name} is given twice`);
    const key = stringOption(args, 'key');
    if (!key) throw new UsageError('--key FILE: the private key you log in to the machines with');
    if (/^~[^/]/.test(key))
      throw new UsageError(`--key: "${key}": write another user's home as a path (~ alone is yours)`);
    const name = stringOption(args, 'name') ?? 'farm';
    if (!PATTERNS.labName.re.test(name))
      throw new UsageError(`--name: "${name}" is not allowed (${PATTERNS.labName.allowed})`);
    const out = resolve(stringOption(args, 'out') ?? 'farm.yaml');
    const keyPath = key === '~' || key.startsWith('~/') ? resolve(homedir(), key.slice(2)) : resolve(key);
    // The definition says the key as the user gave it, relative to the definition's own folder.
    const keyGiven = isAbsolute(key) || key.startsWith('~') ? key : keyPath;
    const folder = new TargetFolder(dirname(out), {
      label: `--out ${out}`,
      mayReplace: () => args.values.force === true,
      replaceHint: 'Pass --force to replace it, or another --out.',
    });
    folder.check([{ path: basename(out), content: '' }]);
    const become = machines.every((m) => m.user === 'root') ? 'none' : 'sudo';
    if (machines.some((m) => m.user === 'root') && become === 'sudo')
      throw new UsageError(
        '--machine: log in to every machine as root, or to none (another user becomes root through sudo)',
      );
    console.log(`reading ${machines.length} machines over SSH (nothing is changed on them)…`);
    const imported = await importFarm({ name, machines, key: { given: keyGiven, path: keyPath }, become });
    const files = [{ path: basename(out), content: imported.text }];
    folder.check(files);
    folder.write(files);
    console.log(`wrote ${out}`);
    for (const note of imported.notes) console.log(`  note: ${note}`);
    try {
      // as lab:validate judges it: the definition's rules and the host's own validators
      parseLab(imported.text, out, [hostConfigChecks().rule]);
    } catch (error) {
      if (!(error instanceof LabDefinitionError)) throw error;
      console.log(`\nlab:validate refuses it as it is; edit these fields:`);
      for (const issue of error.issues) console.log(`  ${formatDefinitionIssue(issue)}`);
      return 1;
    }
    console.log(
      `lab:validate accepts it. Next: npm run lab:up -- --lab ${out}, then lab:verify (add power commands for V3-V7)`,
    );
    return 0;
  },
};
