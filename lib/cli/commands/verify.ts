import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { labPicture } from '../../graph/lab-picture.ts';
import { readVipHolding } from '../../graph/vip-holding.ts';
import { haStackOf } from '../../../roles/components.ts';
import { heldSecrets, loadSecrets } from '../../farm/lab-secrets.ts';
import type { Lab } from '../../lab/model.ts';
import { printable } from '../../printable.ts';
import { registrationOf } from '../../providers/registry.ts';
import type { LabStateDir } from '../../state/lab-state.ts';
import { diagnose, type Diagnosis } from '../../verify/diagnose.ts';
import { readMachineFile } from '../../farm/read-holdings.ts';
import { RunReport } from '../../verify/report/write-report.ts';
import { countVerdicts, verdictCounts, verdictOf, verdictWord, type VantageUse } from '../../verify/check.ts';
import type { Said, Speaker, Words } from '../../said.ts';
import { LANG_HELP, LANG_OPTION, langOption } from '../lang-option.ts';
import { CHECKS, checkIds, runChecks } from '../../verify/run-checks.ts';
import { labMachines, type LabMachines } from '../../verify/transport/lab-machines.ts';
import { chooseVantage, clientMachine, type Vantage } from '../../verify/vantage.ts';
import { listOption, stringOption, UsageError, type Command } from '../command.ts';
import { interruption } from '../interruption.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';
import { KNOWN_HOSTS_FILE } from './provision.ts';

/**
 * The statistics page's password: the lab's own secret, or, on machines hafarm did not make, the
 * one their haproxy.cfg holds (the student's `stats auth` line), read and never stored.
 */
async function statsPasswordOf(
  lab: Lab,
  provider: string,
  state: LabStateDir,
  machines: LabMachines,
  say: Speaker,
): Promise<string> {
  if (!registrationOf(provider).adoptsMachines) return loadSecrets(state).statsPassword;
  let unread: string | undefined;
  const held = await heldSecrets(lab, async (host, file) => {
    try {
      return (await readMachineFile(machines.exec, host, file))?.content;
    } catch (error) {
      const why = printable(error instanceof Error ? error.message : String(error));
      unread = say(`${host}'s ${file} could not be read (${why})`, `no pudo leerse ${file} de ${host} (${why})`);
      return undefined;
    }
  });
  const withoutPassword = say(
    'V2 will ask for the statistics page without the right password',
    'V2 pedirá la página de estadísticas sin la contraseña correcta',
  );
  const note = say('note', 'nota');
  if (unread) console.log(`${note}: ${unread}: ${withoutPassword}`);
  else if (held.statsPassword === undefined) {
    const line = `\`stats auth ${lab.haproxy.stats.user}:PASSWORD\``;
    const missing = say(
      `no ${line} line in the master's haproxy.cfg`,
      `no hay línea ${line} en el haproxy.cfg del maestro`,
    );
    console.log(`${note}: ${missing}: ${withoutPassword} (T8)`);
  }
  return held.statsPassword ?? '';
}

/**
 * The programs the vantage needs that a machine lacks, by what they are for; each said once. hafarm
 * installs nothing here: the user installs it, or lets lab:provision do it (the tools role).
 */
async function lackingPrograms(
  vantage: Vantage,
  machines: LabMachines,
  say: Speaker,
): Promise<Partial<Record<VantageUse, Said>>> {
  const lacking: Partial<Record<VantageUse, Said>> = {};
  for (const { host, program, use } of vantage.programs ?? []) {
    const found = await machines.exec(host, `command -v ${program} >/dev/null`).then(
      (r) => r.code === 0,
      () => true, // a machine that does not answer is the checks' to say
    );
    if (found) continue;
    const why: Said = {
      en: `${host} lacks ${program}: install it there (apt-get install ${program}), or let hafarm install it with npm run lab:provision -- --tags tools`,
      es: `a ${host} le falta ${program}: instálalo allí (apt-get install ${program}), o deja que hafarm lo instale con npm run lab:provision -- --tags tools`,
    };
    console.log(`${say('note', 'nota')}: ${say.said(why)}`);
    const before = lacking[use];
    lacking[use] = before ? { en: `${before.en}; ${why.en}`, es: `${before.es}; ${why.es}` } : why;
  }
  return lacking;
}

function printDiagnosis({ findings, unread }: Diagnosis, say: Speaker): void {
  if (findings.length > 0) {
    console.log(`\n${say("What is wrong, by the tutorial's steps", 'Qué está mal, por pasos del tutorial')}:`);
    const fix = say('fix', 'arreglo');
    for (const f of findings)
      console.log(`  ${f.step} ${f.host}: ${say.said(f.wrong)}\n      ${fix}: ${say.said(f.fix)}`);
  }
  for (const line of unread) console.log(`  (${say('not read', 'no leído')}: ${printable(line)})`);
}

export const verifyCommand: Command = {
  name: 'verify',
  summary:
    'prove the farm does what the tutorial shows (V1 round robin, V2 stats page, V3 web server down, V4 failover, V5 failback, V6/V7 on the wire), and with --faults what broken links do (V8 split brain, V9 a lossy heartbeat link); leaves the lab as it found it',
  usage: 'verify [--only V1[,V4]] [--faults] [--from HOST] [--lang en|es] [--lab FILE] [--state DIR]',
  options: {
    ...LAB_OPTIONS,
    ...LANG_OPTION,
    only: { type: 'string' },
    faults: { type: 'boolean' },
    from: { type: 'string' },
  },
  optionHelp: {
    '--only ID[,ID]': `run only these checks (${CHECKS.flatMap(checkIds).join(', ')})`,
    '--faults': `also run the checks that break links, after the tutorial's (${CHECKS.filter((c) => c.onlyWhenAsked)
      .map((c) => c.id)
      .join(', ')}); they run only when asked, here or by --only`,
    '--from HOST':
      'send the requests from this lab machine and capture inside the machines, over SSH (what the Vagrant providers always do, from the last web server V3 leaves on)',
    ...LANG_HELP,
    ...LAB_OPTION_HELP,
  },
  async run(args) {
    const say = langOption(args);
    const definition = labContext(args);
    const only = (listOption(args, 'only', `check IDs: ${CHECKS.map((c) => c.id).join(', ')}`) ?? []).map((id) =>
      id.toUpperCase(),
    );
    const unknown = only.filter((id) => !CHECKS.some((c) => checkIds(c).includes(id)));
    if (unknown.length > 0)
      throw new UsageError(`--only: no check ${unknown.join(', ')} (checks: ${CHECKS.map((c) => c.id).join(', ')})`);
    const faults = args.values.faults === true;
    if (faults && only.length > 0)
      throw new UsageError('--faults and --only: give one of them (--only V8,V9 runs the link checks alone)');
    const from = stringOption(args, 'from');
    const fromMachine = from === undefined ? undefined : clientMachine(definition.lab, from);
    if (fromMachine && 'problem' in fromMachine) throw new UsageError(`--from: ${fromMachine.problem}`);
    const { lab, state, provider } = upLab(definition);
    const knownHosts = new KnownHosts(state.path(KNOWN_HOSTS_FILE));
    const reportDir = state.path('report');
    const vantage = chooseVantage(lab, provider, knownHosts, reportDir, from);
    if ('problem' in vantage)
      throw new UsageError(`${from === undefined ? 'lab:verify' : '--from'}: ${vantage.problem}`);
    const stack = say.said(haStackOf(lab).describe(lab));
    console.log(`${say('HA stack', 'Pila de alta disponibilidad')}: ${stack}\n${say.said(vantage.describe)}\n`);
    const machines = labMachines(provider, knownHosts);
    const interrupt = interruption();
    void interrupt.signal.then((signal) => {
      const again = signal === 'SIGINT' ? 'Ctrl-C' : signal;
      console.error(
        `\n${signal}: ${say(
          `stopping the checks; powering on what they powered off and waiting for the farm to settle (${again} again quits at once)…`,
          `parando las comprobaciones; encendiendo lo que apagaron y esperando a que la granja se estabilice (${again} otra vez sale en el acto)…`,
        )}`,
      );
    });
    const context = {
      lab,
      provider,
      client: vantage.client,
      machines,
      wire: vantage.wire,
      statsPassword: await statsPasswordOf(lab, provider.name, state, machines, say),
      lacking: await lackingPrograms(vantage, machines, say),
      adopted: registrationOf(provider.name).adoptsMachines === true,
      say,
    };
    // Written after every check: a run that ends early keeps the checks that ran.
    const report = new RunReport(reportDir, lab, say.said(vantage.describe), say);
    const { results, interruptedBy, restoreProblems } = await runChecks(
      context,
      only,
      (r) => {
        console.log(`${verdictWord(verdictOf(r), say)} ${r.id} ${r.title}: ${r.summary}`);
        for (const line of r.evidence) console.log(`     ${line}`);
        report.add(r);
      },
      interrupt.signal,
      CHECKS,
      faults,
    ).finally(async () => {
      interrupt.dispose();
      await vantage.close().catch(() => undefined);
    });
    const failed = countVerdicts(results).FAIL;
    // Where a check failed, what the machines hold says why, in the tutorial's steps.
    const diagnosis = failed > 0 && !interruptedBy ? await diagnose(lab, machines.exec) : undefined;
    if (diagnosis) printDiagnosis(diagnosis, say);
    const notes: Words[] = [
      ...(interruptedBy
        ? [
            say(
              `interrupted by ${interruptedBy}: the checks after these did not run; the lab was restored`,
              `interrumpida por ${interruptedBy}: las comprobaciones siguientes no se ejecutaron; el laboratorio se restauró`,
            ),
          ]
        : []),
      ...restoreProblems.map((p) => say(`not restored: ${p}`, `no restaurado: ${p}`)),
    ];
    // The picture at the top of the report: the lab as the run left it, settled again (drawn before
    // the checks it would show the VIP still on its way after a provision). Without it the run goes on.
    const topology = interruptedBy
      ? undefined
      : await readVipHolding(lab, machines.exec)
          .then((holding) => labPicture(lab, { provider: provider.name, holding, say }))
          .then(
            (picture) => picture.svg,
            (error: Error) =>
              void console.error(
                `hafarm: ${say('the report has no picture of the lab', 'el informe no tiene el dibujo del laboratorio')}: ${error.message}`,
              ),
          )
          .finally(() => machines.closeAll());
    const written = report.finish(notes, topology, diagnosis?.findings);
    console.log(
      `\n${say('report', 'informe')}: ${written} (${say('and summary.md beside it', 'y summary.md a su lado')})`,
    );
    for (const problem of restoreProblems)
      console.error(
        `hafarm: ${say('the lab is not as it was found', 'el laboratorio no está como se encontró')}: ${problem}`,
      );
    const asFound = restoreProblems.length === 0;
    const ending = interruptedBy
      ? say(
          `, interrupted by ${interruptedBy}${asFound ? ': the lab is as it was found' : ''}`,
          `, interrumpida por ${interruptedBy}${asFound ? ': el laboratorio está como se encontró' : ''}`,
        )
      : '';
    console.log(`${verdictCounts(results, say)}${ending}`);
    if (interruptedBy) {
      // The abandoned check may still wait on a timer: do not wait for it once output is out.
      setTimeout(() => process.exit(), 1000).unref();
      // 128 + signal number, as a shell reports a command a signal ended.
      return interruptedBy === 'SIGINT' ? 130 : 143;
    }
    if (restoreProblems.length > 0) return 1;
    return failed === 0 ? 0 : 1;
  },
};
