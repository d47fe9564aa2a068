// Requests to the site from a client on the LAN, as the tutorial's browser made them.
import { execa } from 'execa';
import { command } from '../../engine/ssh/shell-quote.ts';
import type { Lab } from '../../lab/model.ts';
import { HOST_TOOLS, hostTool, type HostTool } from '../../providers/host-tools.ts';
import type { MachineConnections } from './machine-connections.ts';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RequestOptions {
  path?: string;
  /** user:password for basic auth */
  auth?: string;
  cookie?: string;
  timeoutMs?: number;
}

export interface LanClient {
  /** undefined when nothing answered in time */
  get(options?: RequestOptions): Promise<HttpAnswer | undefined>;
}

/** Splits curl's `-D -` output (headers, blank line, body) into an answer. */
export function parseHttpAnswer(raw: string): HttpAnswer | undefined {
  // With -D - curl prints every response's headers; the last block is the final answer.
  const blocks = raw.split(/\r?\n\r?\n/);
  let index = 0;
  while (index + 1 < blocks.length && /^HTTP\/[\d.]+ 1\d\d/.test(blocks[index]!)) index++;
  const head = blocks[index]?.split(/\r?\n/) ?? [];
  const status = /^HTTP\/[\d.]+ (\d{3})/.exec(head[0] ?? '')?.[1];
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return { status: Number(status), headers, body: blocks.slice(index + 1).join('\n\n') };
}

/** curl's command line for one request to the site, by name, the name resolved to the VIP. */
export function curlArgs(lab: Lab, options: RequestOptions): string[] {
  const { name, address } = lab.vip;
  const port = lab.haproxy.port;
  const seconds = ((options.timeoutMs ?? 2000) / 1000).toFixed(2);
  const args = [hostTool('curl'), '-s', '-D', '-', '-m', seconds, '--resolve', `${name}:${port}:${address}`];
  if (options.auth) args.push('-u', options.auth);
  if (options.cookie) args.push('-b', options.cookie);
  args.push(`http://${name}:${port}${options.path ?? '/'}`);
  return args;
}

/** The namespace provider's client namespace, sitting on the LAN. */
export class NamespaceLanClient implements LanClient {
  constructor(
    private readonly lab: Lab,
    private readonly namespace: string,
  ) {}

  async get(options: RequestOptions = {}): Promise<HttpAnswer | undefined> {
    const result = await execa(hostTool('ip'), ['netns', 'exec', this.namespace, ...curlArgs(this.lab, options)], { reject: false, timeout: (options.timeoutMs ?? 2000) + 5000, stdin: 'ignore' });
    // A program missing on this host is not a farm that does not answer.
    const missing = (result as { code?: string }).code === 'ENOENT' ? 'ip' : /exec of "([^"]+)" failed: No such file/.exec(String(result.stderr))?.[1];
    if (missing) throw new Error(`this host has no ${missing}, which the requests from the client namespace need: npm run lab installs it, or apt-get install ${HOST_TOOLS[missing as HostTool] ?? missing}`);
    return result.exitCode === 0 ? parseHttpAnswer(String(result.stdout)) : undefined;
  }
}

/**
 * A lab machine on the LAN, over SSH: the client on the Vagrant providers, whose internal
 * networks the host cannot reach. Its shells are its own, so requests never queue behind the
 * checks' commands, and one per request under way: a shell runs one command at a time, and a
 * request that hangs on a dead server (V3) must not hold up the stats reads beside it.
 */
export class MachineLanClient implements LanClient {
  private readonly idle: MachineConnections[] = [];
  private readonly opened: MachineConnections[] = [];

  constructor(
    private readonly lab: Lab,
    private readonly openShell: () => MachineConnections,
    readonly host: string,
  ) {}

  async get(options: RequestOptions = {}): Promise<HttpAnswer | undefined> {
    const shell = this.idle.pop() ?? this.open();
    try {
      const timeoutMs = (options.timeoutMs ?? 2000) + 5000;
      const result = await shell.exec(this.host, command(...curlArgs(this.lab, options)), { timeoutMs }).catch(() => undefined);
      // 127: the shell found no curl — a lab provisioned before the tools role, not a farm failure.
      if (result?.code === 127) throw new Error(`${this.host} has no curl: npm run lab:provision installs it (role tools)`);
      return result?.code === 0 ? parseHttpAnswer(result.stdout) : undefined;
    } finally {
      this.idle.push(shell);
    }
  }

  /** How many shells (SSH connections) the requests needed at once, at most. */
  get shells(): number {
    return this.opened.length;
  }

  close(): void {
    for (const shell of this.opened) shell.closeAll();
    this.opened.length = 0;
    this.idle.length = 0;
  }

  private open(): MachineConnections {
    const shell = this.openShell();
    this.opened.push(shell);
    return shell;
  }
}
