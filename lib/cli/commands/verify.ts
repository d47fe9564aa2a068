import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { NetnsProvider } from '../../providers/netns/netns-provider.ts';
import { loadSecrets } from '../../state/lab-secrets.ts';
import { startCapture } from '../../verify/capture.ts';
import type { Wire } from '../../verify/check.ts';
import { NamespaceLanClient } from '../../verify/lan-client.ts';
import { MachineShell } from '../../verify/machine-shell.ts';
import { writeReport } from '../../verify/report/write-report.ts';
import { CHECKS, runChecks } from '../../verify/run-checks.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, runningLab } from '../lab-options.ts';
import { KNOWN_HOSTS_FILE } from './provision.ts';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'prove the farm does what the tutorial shows (V1 round robin, V2 stats page, V3 web server down, V4 failover, V5 failback, V6/V7 on the wire); leaves the lab as it found it',
  usage: 'verify [--only V1[,V4]] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, only: { type: 'string' } },
  optionHelp: { '--only ID[,ID]': `run only these checks (${CHECKS.flatMap((c) => [c.id, ...(c.also ?? [])]).join(', ')})`, ...LAB_OPTION_HELP },
  async run(args) {
    const { lab, state, provider } = runningLab(args);
    const only = (stringOption(args, 'only') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    const unknown = only.filter((id) => !CHECKS.some((c) => [c.id, ...(c.also ?? [])].includes(id)));
    if (unknown.length > 0) throw new UsageError(`--only: no check ${unknown.join(', ')} (checks: ${CHECKS.map((c) => c.id).join(', ')})`);
    if (!(provider instanceof NetnsProvider)) {
      throw new UsageError(`lab:verify needs a client on the LAN; for now only the netns provider has one (this lab runs on ${provider.name})`);
    }
    const client = new NamespaceLanClient(lab, provider.clientNamespace());
    const machines = new MachineShell(provider, new KnownHosts(state.path(KNOWN_HOSTS_FILE)));
    const wire: Wire = {
      reportDir: state.path('report'),
      capture: (network, file, filter) => startCapture({ iface: provider.names.bridge(network), file, filter }),
    };
    const results = await runChecks({ lab, provider, client, machines, wire, statsPassword: loadSecrets(state).statsPassword }, only, (r) => {
      console.log(`${r.passed ? 'PASS' : 'FAIL'} ${r.id} ${r.title}: ${r.summary}`);
      for (const line of r.evidence) console.log(`     ${line}`);
    });
    const failed = results.filter((r) => !r.passed).length;
    const report = writeReport(wire.reportDir, lab, results);
    console.log(`\nreport: ${report} (and summary.md beside it)`);
    console.log(`${results.length - failed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  },
};
