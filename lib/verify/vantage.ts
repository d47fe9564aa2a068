// Where lab:verify stands on the LAN: who sends the requests and where packets are captured.
// A provider whose networks this host reaches offers both on the host (hostVantage: the namespace
// provider's client namespace and bridges). One whose networks it cannot reach may offer a client
// on the LAN that it runs commands on (lanClient: the Docker provider's client container); the
// captures then run inside the machines over SSH. Where it offers neither (the Vagrant providers'
// internal networks), or with --from HOST, a lab machine sends the requests.
import type { KnownHosts } from '../engine/ssh/known-hosts.ts';
import { balancers, findHost, isBalancer, masterBalancer, webServers, type Lab } from '../lab/model.ts';
import type { HostVantage, LabProvider, LanClientPlace, SshEndpoint } from '../providers/provider.ts';
import { startHostCapture, type RunningCapture } from './transport/host-capture.ts';
import type { VantageUse, Wire } from './check.ts';
import type { Said } from '../said.ts';
import { webDownTarget } from './web-down-target.ts';
import { interfaceWith } from './transport/addresses.ts';
import { CommandLanClient, MachineLanClient, NamespaceLanClient, type LanClient } from './transport/lan-client.ts';
import { startMachineCapture } from './transport/machine-capture.ts';
import { clientInterfaceTowards, startClientCapture } from './transport/client-capture.ts';
import { MachineConnections } from './transport/machine-connections.ts';

export interface Vantage {
  client: LanClient;
  wire: Wire;
  /** for the output: where the requests come from, where packets are captured */
  describe: Said;
  /** the programs the lab's machines must have for it: the client's curl, the capturing machines' tcpdump */
  programs?: Array<{ host: string; program: string; use: VantageUse }>;
  /** stops the captures still running (a check abandoned at an interrupt) and closes the shells */
  close(): Promise<void>;
}

/** The wire's captures, remembered until they stop, so that close() can stop the rest. */
function tracked(capture: Wire['capture']): { capture: Wire['capture']; stopAll(): Promise<void> } {
  const running = new Set<RunningCapture>();
  return {
    async capture(network, file, filter) {
      const started = await capture(network, file, filter);
      running.add(started);
      return {
        ...started,
        async stop() {
          running.delete(started);
          await started.stop();
        },
      };
    },
    async stopAll() {
      for (const started of [...running]) await started.stop().catch(() => undefined);
      running.clear();
    },
  };
}

export function namespaceVantage(lab: Lab, host: HostVantage, reportDir: string): Vantage {
  const captures = tracked((network, file, filter) =>
    startHostCapture({ iface: host.captureInterface(network), file, filter }),
  );
  return {
    client: new NamespaceLanClient(lab, host.clientNamespace),
    wire: { reportDir, capture: captures.capture },
    describe: {
      en: `requests from the client namespace ${host.clientNamespace}, captures on the host's bridges`,
      es: `peticiones desde el espacio de nombres cliente ${host.clientNamespace}, capturas en los puentes del anfitrión`,
    },
    close: () => captures.stopAll(),
  };
}

/**
 * The lab machine that can send the requests: on the LAN and powered on through every check,
 * so neither a balancer (V4 powers the master off; a standby holds the VIP itself) nor the
 * web server V3 powers off. Without a name, the last web server that qualifies.
 */
export function clientMachine(lab: Lab, named?: string): { host: string } | { problem: string } {
  const unfit = (name: string): string | undefined => {
    if (isBalancer(findHost(lab, name)))
      return `${name} is a balancer: V4 powers the master off and a standby holds the VIP itself`;
    if (name === webDownTarget(lab)) return `${name} is the web server V3 powers off`;
    return undefined;
  };
  if (named !== undefined) {
    if (!lab.hosts.some((h) => h.name === named))
      return { problem: `no host named "${named}" in ${lab.file} (hosts: ${lab.hosts.map((h) => h.name).join(', ')})` };
    const problem = unfit(named);
    return problem ? { problem } : { host: named };
  }
  const host = webServers(lab)
    .map((h) => h.name)
    .reverse()
    .find((name) => !unfit(name));
  return host
    ? { host }
    : {
        problem: `no web server can be the client: ${webDownTarget(lab)}, the only one, is the one V3 powers off (add a web server)`,
      };
}

/** The machine that captures a network through V4–V5: the client on the LAN, a standby on the heartbeat network. */
export function captureMachine(lab: Lab, network: 'lan' | 'heartbeat', client: string | undefined): string {
  if (network === 'lan' && client !== undefined) return client;
  const master = masterBalancer(lab).name;
  return balancers(lab).find((h) => h.name !== master)!.name;
}

/**
 * Captures inside the machines over SSH; the requests from `client`, a lab machine (its name) or
 * a client on the LAN the provider offers.
 */
export function machineVantage(
  lab: Lab,
  provider: LabProvider,
  knownHosts: KnownHosts,
  client: string | LanClientPlace,
  reportDir: string,
): Vantage {
  // Own shells: requests and captures never wait behind the checks' commands.
  const endpoints = new Map<string, SshEndpoint>();
  const shell = () => new MachineConnections(provider, knownHosts, endpoints);
  const captureShell = shell();
  const machine = typeof client === 'string' ? client : undefined;
  const lanClient =
    typeof client === 'string' ? new MachineLanClient(lab, shell, client) : new CommandLanClient(lab, client);
  const captures = tracked(async (network, file, filter) => {
    // A client that is no machine captures the LAN itself: it alone gets the replies to its ARP.
    if (network === 'lan' && typeof client !== 'string') {
      const iface = await clientInterfaceTowards(client, lab.vip.address);
      return startClientCapture(client, { iface, file, filter });
    }
    const capturing = captureMachine(lab, network, machine);
    const host = findHost(lab, capturing);
    const address = network === 'lan' ? host.lan : host.heartbeat!;
    const iface = await interfaceWith(captureShell, capturing, address);
    return startMachineCapture(await captureShell.connection(capturing), { iface, file, filter });
  });
  const capturing = [...new Set([captureMachine(lab, 'lan', machine), captureMachine(lab, 'heartbeat', machine)])];
  return {
    client: lanClient,
    wire: { reportDir, capture: captures.capture },
    programs: [
      ...(machine === undefined ? [] : [{ host: machine, program: 'curl', use: 'requests' as const }]),
      ...(machine === undefined ? capturing.slice(1) : capturing).map((host) => ({
        host,
        program: 'tcpdump',
        use: 'captures' as const,
      })),
    ],
    describe: vantageWords(lab, client),
    async close() {
      await captures.stopAll();
      if (lanClient instanceof MachineLanClient) lanClient.close();
      captureShell.closeAll();
    },
  };
}

/** Where the requests come from and where packets are captured, in both languages. */
export function vantageWords(lab: Lab, client: string | LanClientPlace): Said {
  const machine = typeof client === 'string' ? client : undefined;
  const heartbeat = captureMachine(lab, 'heartbeat', machine);
  const place = machine ?? (client as LanClientPlace).describe;
  const from = typeof place === 'string' ? { en: place, es: place } : place;
  const lan =
    machine === undefined
      ? { en: 'it', es: 'él' }
      : { en: captureMachine(lab, 'lan', machine), es: captureMachine(lab, 'lan', machine) };
  return {
    en: `requests from ${from.en}, captures inside ${lan.en} (LAN) and ${heartbeat} (heartbeat network)`,
    es: `peticiones desde ${from.es}, capturas dentro de ${lan.es} (LAN) y de ${heartbeat} (red de latidos)`,
  };
}

/**
 * Where lab:verify stands: the vantage the provider offers on this host, or its client on the
 * LAN, unless --from names a machine; a lab machine where it offers neither. A problem when the
 * named machine cannot be it.
 */
export function chooseVantage(
  lab: Lab,
  provider: LabProvider,
  knownHosts: KnownHosts,
  reportDir: string,
  from?: string,
): Vantage | { problem: string } {
  const onHost = from === undefined ? provider.hostVantage?.() : undefined;
  if (onHost) return namespaceVantage(lab, onHost, reportDir);
  const place = from === undefined ? provider.lanClient?.() : undefined;
  if (place) return machineVantage(lab, provider, knownHosts, place, reportDir);
  const chosen = clientMachine(lab, from);
  if ('problem' in chosen) return chosen;
  return machineVantage(lab, provider, knownHosts, chosen.host, reportDir);
}
