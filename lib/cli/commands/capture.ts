import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileInTheWay } from '../../files/file-in-the-way.ts';
import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { WrittenFiles } from '../../state/written-files.ts';
import { startMachineCapture } from '../../verify/transport/machine-capture.ts';
import { MachineConnections } from '../../verify/transport/machine-connections.ts';
import { numberOption, stringOption, UsageError, type Command } from '../command.ts';
import { interruption } from '../interruption.ts';
import { hostArgument, LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';
import { KNOWN_HOSTS_FILE } from './provision.ts';
import { FORCE_HELP, FORCE_OPTION, outputFile } from '../output-files.ts';

/** Why the pcap cannot be written at that path, checked before any machine is asked. */
function pcapFileProblem(file: string): string | undefined {
  const blocker = fileInTheWay(dirname(file));
  if (blocker) return `${blocker} is a file, not a folder`;
  return statSync(file, { throwIfNoEntry: false })?.isDirectory() ? 'that is a folder' : undefined;
}

export const captureCommand: Command = {
  name: 'capture',
  summary: "write a pcap of one machine's interface (open it in Wireshark), until Ctrl-C or --duration",
  usage: 'capture HOST IFACE [--duration S] [--out FILE] [--force] [--lab FILE] [--state DIR]',
  positionals: ['HOST', 'IFACE'],
  options: { ...LAB_OPTIONS, ...FORCE_OPTION, duration: { type: 'string' }, out: { type: 'string' } },
  optionHelp: {
    '--duration S': 'stop after S seconds (default: at Ctrl-C)',
    '--out FILE': 'the pcap to write (default: <state>/captures/HOST-IFACE-<time>.pcap)',
    ...FORCE_HELP,
    ...LAB_OPTION_HELP,
  },
  async run(args) {
    const context = labContext(args);
    const host = hostArgument(args, context.lab, 'npm run lab:capture -- HOST IFACE');
    const iface = args.positionals[1];
    if (!iface)
      throw new UsageError(
        'name an interface: npm run lab:capture -- HOST IFACE (eth1 is the LAN, eth2 the heartbeat network)',
      );
    const duration = numberOption(args, 'duration', { what: 'seconds', fraction: true, min: 1, max: 86_400 });
    const out = stringOption(args, 'out');
    const outProblem = out === undefined ? undefined : pcapFileProblem(resolve(out));
    if (outProblem)
      throw new UsageError(`--out ${resolve(out!)}: ${outProblem} (allowed: a file to write the pcap into)`);
    // The pcap's place is checked before any machine is asked: no link, no file of the user's, no kernel folder.
    const given = out === undefined ? undefined : outputFile(out, context.state, args);
    given?.folder.check([{ path: given.name, content: '' }]);
    const { state, provider } = upLab(context);
    if (!(await provider.status()).some((m) => m.host === host && m.state === 'running'))
      throw new UsageError(`${host} is not running (npm run lab:start -- ${host})`);
    const file = resolve(
      out ?? state.path('captures', `${host}-${iface}-${new Date().toISOString().replace(/[:.]/g, '-')}.pcap`),
    );
    // tcpdump inside the machine, over SSH: the same on every provider and every host OS.
    const shell = new MachineConnections(provider, new KnownHosts(state.path(KNOWN_HOSTS_FILE)));
    const capture = await startMachineCapture(await shell.connection(host), { iface, file }).catch((error: Error) => {
      shell.closeAll();
      throw error;
    });
    console.log(`capturing ${host} ${iface} into ${file}${duration ? ` for ${duration} s` : ' (Ctrl-C to stop)'}`);
    const interrupt = interruption();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      interrupt.signal,
      ...(duration ? [new Promise((done) => (timer = setTimeout(done, duration * 1000)))] : []),
    ]);
    clearTimeout(timer);
    interrupt.dispose();
    await capture.stop();
    shell.closeAll();
    if (out !== undefined) new WrittenFiles(state).record([{ target: file, content: readFileSync(file) }]);
    console.log(`${file}: written`);
    return 0;
  },
};
