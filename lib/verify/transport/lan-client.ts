// Requests to the site from a client on the LAN, as the tutorial's browser made them.
import { randomBytes } from 'node:crypto';
import { command } from '../../engine/ssh/shell-quote.ts';
import type { Lab } from '../../lab/model.ts';
import { HOST_TOOLS, hostTool, type HostTool } from '../../providers/host-tools.ts';
import type { LanClientPlace } from '../../providers/provider.ts';
import type { MachineConnections } from './machine-connections.ts';

export interface HttpAnswer {
  status: number;
  /** by lower-case name; a header sent twice holds its last value */
  headers: Record<string, string>;
  /** every Set-Cookie header, in order: two cookies of one name must not hide each other (V1) */
  setCookies: string[];
  body: string;
}

export interface RequestOptions {
  path?: string;
  /** user:password for basic auth */
  auth?: string;
  cookie?: string;
  timeoutMs?: number;
}

/** A request whose body never finishes: HAProxy keeps its connection to the server open until release(). */
export interface HeldRequest {
  release(): Promise<void>;
}

export interface HoldOptions {
  /** the Cookie header, to pick the server (HAProxy's persistence cookie) */
  cookie: string;
  /** the longest it stays open, if release() does not come first */
  seconds: number;
}

export interface LanClient {
  /** undefined when nothing answered in time */
  get(options?: RequestOptions): Promise<HttpAnswer | undefined>;
  /** Opens a request and leaves it unfinished, so that one server has a connection open (V1's busy server). */
  hold(options: HoldOptions): Promise<HeldRequest>;
  /** The MAC the client sends the VIP's packets to now (its ARP entry), undefined when it has none (V8: which balancer it reaches). */
  vipMac(): Promise<string | undefined>;
  /** Forgets that entry, so that the next request asks the whole LAN who has the VIP (V8: every holder answers). */
  forgetVipMac(): Promise<void>;
}

/** The MAC of `ip -j neigh show ADDRESS`'s entry, when it has a usable one (not FAILED or INCOMPLETE). */
export function neighbourMac(json: string): string | undefined {
  let entries: Array<{ lladdr?: string; state?: string[] }>;
  try {
    entries = JSON.parse(json || '[]');
  } catch {
    return undefined;
  }
  return entries
    .find((e) => e.lladdr && !(e.state ?? []).some((s) => s === 'FAILED' || s === 'INCOMPLETE'))
    ?.lladdr?.toLowerCase();
}

/** The client's `ip` commands on its ARP entry for the VIP. */
function neighbourArgs(lab: Lab, action: 'show' | 'flush'): string[] {
  return action === 'show'
    ? [hostTool('ip'), '-j', 'neigh', 'show', lab.vip.address]
    : [hostTool('ip'), 'neigh', 'flush', 'to', lab.vip.address];
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
  const setCookies: string[] = [];
  for (const line of head.slice(1)) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const name = line.slice(0, at).trim().toLowerCase();
    headers[name] = line.slice(at + 1).trim();
    if (name === 'set-cookie') setCookies.push(headers[name]);
  }
  return { status: Number(status), headers, setCookies, body: blocks.slice(index + 1).join('\n\n') };
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

/**
 * The held request: a POST announcing a body far longer than what follows, so HAProxy forwards
 * it to a server and then waits for the rest with that connection open. Its first 32 KiB of
 * body fill HAProxy's buffer (tune.bufsize, 16 KiB by default): with `option
 * http-buffer-request` HAProxy picks a server only once its buffer is full or the body is whole.
 */
export function heldRequest(lab: Lab, cookie: string): { head: string[]; bodyBytes: number } {
  return {
    head: ['POST / HTTP/1.1', `Host: ${lab.vip.name}`, `Cookie: ${cookie}`, 'Content-Length: 1000000', ''],
    bodyBytes: 32 * 1024,
  };
}

/**
 * curl's command line for the held request: curl's telnet protocol sends its input as it is and
 * keeps the connection open (whatever the server answers) until -m seconds have passed.
 */
export function holdCurlArgs(lab: Lab, seconds: number): string[] {
  return [
    hostTool('curl'),
    '-s',
    '-o',
    '/dev/null',
    '-m',
    String(seconds),
    `telnet://${lab.vip.address}:${lab.haproxy.port}`,
  ];
}

/** What the client's shell says on stderr once it is there, before it becomes the command. */
const CLIENT_REACHED = 'hafarm-client-reached';

/**
 * A client on the LAN that this host runs commands on: the namespace provider's client namespace
 * (`ip netns exec`), the Docker provider's client container (`docker exec`).
 */
export class CommandLanClient implements LanClient {
  constructor(
    private readonly lab: Lab,
    private readonly place: LanClientPlace,
  ) {}

  async get(options: RequestOptions = {}): Promise<HttpAnswer | undefined> {
    const { execa } = await import('execa');
    // The shell says it reached the client before it becomes curl: whatever the way there says
    // (docker's or ip's warnings) is then no failure, and a failure before it is the way's.
    const [program, ...args] = this.place.command([
      hostTool('sh'),
      '-c',
      `echo ${CLIENT_REACHED} >&2; exec "$@"`,
      'request',
      ...curlArgs(this.lab, options),
    ]);
    // The body byte for byte, its last newline too: V1 tells a server by its whole page.
    const result = await execa(program!, args, {
      reject: false,
      timeout: (options.timeoutMs ?? 2000) + 5000,
      stdin: 'ignore',
      stripFinalNewline: false,
    });
    const said = String(result.stderr);
    if ((result as { code?: string }).code === 'ENOENT')
      throw new Error(
        `this host has no ${program}, which the requests from ${this.place.describe.en} need${program! in HOST_TOOLS ? `: apt-get install ${HOST_TOOLS[program as HostTool]}` : ''}`,
      );
    if (!said.includes(CLIENT_REACHED)) {
      if (result.timedOut) return undefined;
      const why = said.trim().split('\n')[0] || `exit ${result.exitCode}`;
      throw new Error(`${this.place.describe.en} could not send the request: ${why} (lab:up starts it again)`);
    }
    // A client without curl is not a farm that does not answer.
    if (result.exitCode === 127 && /curl/.test(said))
      throw new Error(`${this.place.describe.en} has no curl, which the requests need: lab:up installs it`);
    return result.exitCode === 0 ? parseHttpAnswer(String(result.stdout)) : undefined;
  }

  async vipMac(): Promise<string | undefined> {
    return neighbourMac(await this.ip('show'));
  }

  async forgetVipMac(): Promise<void> {
    await this.ip('flush');
  }

  private async ip(action: 'show' | 'flush'): Promise<string> {
    const { execa } = await import('execa');
    const [program, ...args] = this.place.command(neighbourArgs(this.lab, action));
    const result = await execa(program!, args, { reject: false, timeout: 5000, stdin: 'ignore' });
    return String(result.stdout);
  }

  /**
   * curl under a shell that first says its PID: release() ends that curl by its PID on the
   * client (ending `docker exec` here would leave it running there until its -m seconds).
   */
  async hold({ cookie, seconds }: HoldOptions): Promise<HeldRequest> {
    const { execa } = await import('execa');
    const { head, bodyBytes } = heldRequest(this.lab, cookie);
    const input = Buffer.concat([Buffer.from(head.map((line) => `${line}\r\n`).join('')), Buffer.alloc(bodyBytes)]);
    const [program, ...args] = this.place.command([
      hostTool('sh'),
      '-c',
      'echo $$; exec "$@"',
      'hold',
      ...holdCurlArgs(this.lab, seconds),
    ]);
    const curl = execa(program!, args, { input, reject: false, timeout: seconds * 1000 + 5000 });
    const pid = new Promise<string | undefined>((resolve) => {
      let said = '';
      curl.stdout?.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        const line = /^(\d+)\n/.exec(said)?.[1];
        if (line) resolve(line);
      });
      void curl.then(() => resolve(undefined));
    });
    return {
      release: async () => {
        const running = await pid;
        if (running) {
          const [killer, ...killArgs] = this.place.command([hostTool('sh'), '-c', 'kill "$0"', running]);
          await execa(killer!, killArgs, { reject: false, timeout: 10_000, stdin: 'ignore' });
        }
        await curl;
      },
    };
  }
}

/** The namespace provider's client namespace, sitting on the LAN. */
export class NamespaceLanClient extends CommandLanClient {
  constructor(lab: Lab, namespace: string) {
    super(lab, {
      describe: { en: `the client namespace ${namespace}`, es: `el espacio de nombres cliente ${namespace}` },
      command: (argv) => [hostTool('ip'), 'netns', 'exec', namespace, ...argv],
    });
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
      const result = await shell
        .exec(this.host, command(...curlArgs(this.lab, options)), { timeoutMs })
        .catch(() => undefined);
      // 127: the shell found no curl — a lab provisioned before the tools role, not a farm failure.
      if (result?.code === 127)
        throw new Error(`${this.host} has no curl: npm run lab:provision installs it (role tools)`);
      return result?.code === 0 ? parseHttpAnswer(result.stdout) : undefined;
    } finally {
      this.idle.push(shell);
    }
  }

  async vipMac(): Promise<string | undefined> {
    return neighbourMac(await this.ip('show'));
  }

  async forgetVipMac(): Promise<void> {
    await this.ip('flush');
  }

  private async ip(action: 'show' | 'flush'): Promise<string> {
    const shell = this.idle.pop() ?? this.open();
    try {
      return (
        (
          await shell
            .exec(this.host, command(...neighbourArgs(this.lab, action)), { timeoutMs: 10_000 })
            .catch(() => undefined)
        )?.stdout ?? ''
      );
    } finally {
      this.idle.push(shell);
    }
  }

  /**
   * The held request runs on a shell of its own, curl in the background with its PID in a file of
   * its own: release() ends that curl by its PID from another shell, so the request is not held
   * longer than the check needs it.
   */
  async hold({ cookie, seconds }: HoldOptions): Promise<HeldRequest> {
    const { head, bodyBytes } = heldRequest(this.lab, cookie);
    const pidFile = `/tmp/.hafarm-hold-${randomBytes(8).toString('hex')}`;
    const request = `{ ${command('printf', '%s\\r\\n', ...head)}; head -c ${bodyBytes} /dev/zero; }`;
    const line = `${request} | ${command(...holdCurlArgs(this.lab, seconds))} & echo $! > ${pidFile}; wait; rm -f ${pidFile}`;
    const shell = this.idle.pop() ?? this.open();
    const run = shell
      .exec(this.host, line, { timeoutMs: seconds * 1000 + 5000 })
      .catch(() => undefined)
      .finally(() => this.idle.push(shell));
    return {
      release: async () => {
        const other = this.idle.pop() ?? this.open();
        try {
          await other.exec(this.host, `kill "$(cat ${pidFile} 2>/dev/null)" 2>/dev/null; true`).catch(() => undefined);
        } finally {
          this.idle.push(other);
        }
        await run;
      },
    };
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
