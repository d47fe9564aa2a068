import { resolve } from 'node:path';
import { NetnsProvider } from '../../providers/netns/netns-provider.ts';
import { startCapture } from '../../verify/capture.ts';
import { stringOption, UsageError, type Command } from '../command.ts';
import { hostArgument, LAB_OPTION_HELP, LAB_OPTIONS, runningLab } from '../lab-options.ts';

export const captureCommand: Command = {
  name: 'capture',
  summary: "write a pcap of one machine's interface (open it in Wireshark), until Ctrl-C or --duration",
  usage: 'capture HOST IFACE [--duration S] [--out FILE] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, duration: { type: 'string' }, out: { type: 'string' } },
  optionHelp: { '--duration S': 'stop after S seconds (default: at Ctrl-C)', '--out FILE': 'the pcap to write (default: <state>/captures/HOST-IFACE-<time>.pcap)', ...LAB_OPTION_HELP },
  async run(args) {
    const { lab, state, provider } = runningLab(args);
    const host = hostArgument(args, lab, 'npm run lab:capture -- HOST IFACE');
    const iface = args.positionals[1];
    if (!iface) throw new UsageError('name an interface: npm run lab:capture -- HOST IFACE (eth1 is the LAN, eth2 the heartbeat network)');
    const durationText = stringOption(args, 'duration');
    const duration = durationText === undefined ? undefined : Number(durationText);
    if (duration !== undefined && !(duration > 0 && duration <= 86_400)) throw new UsageError(`--duration: "${durationText}" is not allowed (seconds, from 1 to 86400)`);
    if (!(provider instanceof NetnsProvider)) throw new UsageError(`lab:capture runs on the netns provider for now (this lab runs on ${provider.name})`);
    if (!(await provider.status()).some((m) => m.host === host && m.state === 'running')) throw new UsageError(`${host} is not running (npm run lab:start -- ${host})`);
    const file = resolve(stringOption(args, 'out') ?? state.path('captures', `${host}-${iface}-${new Date().toISOString().replace(/[:.]/g, '-')}.pcap`));
    const capture = await startCapture({ namespace: provider.names.namespace(host), iface, file });
    console.log(`capturing ${host} ${iface} into ${file}${duration ? ` for ${duration} s` : ' (Ctrl-C to stop)'}`);
    await new Promise<void>((done) => {
      const timer = duration ? setTimeout(done, duration * 1000) : undefined;
      process.once('SIGINT', () => {
        if (timer) clearTimeout(timer);
        done();
      });
    });
    await capture.stop();
    console.log(`${file}: written`);
    return 0;
  },
};
