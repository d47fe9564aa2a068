// lab:open: the site and its statistics page in the student's own browser. The VIP lives on a
// lab network this host cannot reach, so a port on this host's loopback forwards each request
// through the lab (the namespace provider's client namespace, or a lab machine over SSH on the
// Vagrant providers) with the site's name in Host, until Ctrl-C. Each request takes a connection
// of its own: after a failover the next one reaches the new holder of the VIP. It stops at
// Ctrl-C or SIGTERM, also when sent to the npm that ran it, and when its lab is destroyed.
import { KnownHosts } from '../../engine/ssh/known-hosts.ts';
import { watchLab } from '../../open/lab-watch.ts';
import { netnsConnector } from '../../open/netns-connector.ts';
import { startSiteProxy } from '../../open/site-proxy.ts';
import { sshConnector } from '../../open/ssh-connector.ts';
import type { VipConnector } from '../../open/vip-connector.ts';
import { UserFacingError } from '../../user-facing-error.ts';
import { clientMachine } from '../../verify/vantage.ts';
import { numberOption, stringOption, UsageError, type Command } from '../command.ts';
import { interruption, launcherEnded } from '../interruption.ts';
import { LAB_OPTION_HELP, LAB_OPTIONS, labContext, upLab } from '../lab-options.ts';
import { KNOWN_HOSTS_FILE } from './provision.ts';

export const DEFAULT_OPEN_PORT = 8080;

export const openCommand: Command = {
  name: 'open',
  summary:
    "the site and its statistics page in your own browser: a port on this host's loopback forwarded to the VIP through the lab, until Ctrl-C",
  usage: 'open [--port N] [--through HOST] [--lab FILE] [--state DIR]',
  options: { ...LAB_OPTIONS, port: { type: 'string' }, through: { type: 'string' } },
  optionHelp: {
    '--port N': `the port on 127.0.0.1 (default ${DEFAULT_OPEN_PORT}; 0 lets the system pick one)`,
    '--through HOST':
      'reach the VIP through this lab machine over SSH (what the Vagrant providers always do, through the last web server that lab:verify leaves on)',
    ...LAB_OPTION_HELP,
  },
  async run(args) {
    const definition = labContext(args);
    const port =
      numberOption(args, 'port', { what: 'a TCP port', fraction: false, min: 0, max: 65535 }) ?? DEFAULT_OPEN_PORT;
    const through = stringOption(args, 'through');
    const machine = through === undefined ? undefined : clientMachine(definition.lab, through);
    if (machine && 'problem' in machine) throw new UsageError(`--through: ${machine.problem}`);
    const { lab, state, provider } = upLab(definition);
    const vip = lab.vip.address;
    const sitePort = lab.haproxy.port;
    let connector: VipConnector;
    const onHost = through === undefined ? provider.hostVantage?.() : undefined;
    if (onHost) connector = await netnsConnector(onHost.clientNamespace, vip, sitePort);
    else {
      const chosen = machine ?? clientMachine(lab);
      if ('problem' in chosen) throw new UserFacingError(`lab:open: ${chosen.problem}`);
      connector = sshConnector(provider, new KnownHosts(state.path(KNOWN_HOSTS_FILE)), chosen.host, vip, sitePort);
    }
    let proxy;
    try {
      proxy = await startSiteProxy(connector, { name: lab.vip.name, port: sitePort }, port, (line) =>
        console.error(`lab:open: ${line}`),
      );
    } catch (error) {
      await connector.close();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new UsageError(
          `--port: ${port} is taken on 127.0.0.1 (choose another with --port, or 0 for any free one)`,
        );
      throw error;
    }
    const base = `http://127.0.0.1:${proxy.port}`;
    console.log(`lab:open: ${base}/ is ${lab.vip.name} (VIP ${vip}:${sitePort}), ${connector.describe}`);
    console.log(`  site:  ${base}/`);
    console.log(
      `  stats: ${base}${lab.haproxy.stats.uri} (user ${lab.haproxy.stats.user}; its password: npm run lab:status -- --secrets)`,
    );
    console.log('Ctrl-C stops it.');
    // What ends it: Ctrl-C or SIGTERM; the npm run that started it ending (a signal sent to npm
    // reaches no further than npm's shell); its lab destroyed under it.
    const interrupt = interruption();
    const launcher = launcherEnded();
    const labWatch = watchLab({
      stillUp: () => {
        try {
          return state.read() !== undefined;
        } catch {
          return true;
        }
      },
      destroyed: `lab "${lab.name}" was destroyed (no state in ${state.dir} any more)`,
      ...(connector.lost ? { connectorLost: connector.lost } : {}),
    });
    const stop = await Promise.race([
      interrupt.signal.then(() => ({ why: undefined, labGone: false })),
      launcher.ended.then((why) => ({ why, labGone: false })),
      labWatch.ended.then((why) => ({ why, labGone: true })),
    ]);
    interrupt.dispose();
    launcher.dispose();
    labWatch.dispose();
    // The terminal or pipe npm gave it may be gone with npm: what it says then goes nowhere, quietly.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
    await proxy.close();
    await connector.close();
    if (stop.labGone) throw new UserFacingError(`lab:open: stopped: ${stop.why}; ${base}/ no longer answers`);
    console.log(`lab:open: stopped${stop.why ? `: ${stop.why}` : ''}`);
    return 0;
  },
};
