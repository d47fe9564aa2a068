// V1's proofs (lib/verify/checks/balancing.ts) against the real HAProxy 2.6 and nginx on
// loopback: for every balance algorithm and cookie mode, the listen section and the nginx
// session cookie the roles render, the page the nginx role writes, and requests from a "lab
// machine" over a real sshd as on the Vagrant providers, or from a network namespace as the
// namespace provider's client sends them. V1 passes each farm that is what its definition says,
// and fails, saying why, each farm that differs from it in one field.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownHosts } from '../../lib/engine/ssh/known-hosts.ts';
import { parseLab } from '../../lib/farm/load-lab.ts';
import { webServers, type Lab } from '../../lib/lab/model.ts';
import {
  BALANCE_ALGORITHMS,
  COOKIE_MODES,
  type BalanceAlgorithm,
  type CookieMode,
} from '../../roles/haproxy/haproxy-settings.ts';
import type { LabProvider, SshEndpoint } from '../../lib/providers/provider.ts';
import { renderTemplate } from '../../lib/render/templates.ts';
import { proveBalancing } from '../../lib/verify/checks/balancing.ts';
import { english } from '../../lib/said.ts';
import { webServerStats } from '../../roles/haproxy/haproxy-stats.ts';
import { MachineLanClient, NamespaceLanClient } from '../../lib/verify/transport/lan-client.ts';
import { MachineConnections } from '../../lib/verify/transport/machine-connections.ts';
import { waitUntil } from '../../lib/verify/steady-load.ts';
import { haproxyConfigVars } from '../../roles/haproxy/haproxy-role.ts';
import { pageHtml, sessionCookieValue } from '../../roles/nginx/web-answer.ts';
import { TUTORIAL_LAB, scratchDir } from '../helpers/cli.ts';
import { freePort, startSshd, type TestSshd } from '../helpers/sshd.ts';
import { createNetns, type TestNetns } from '../helpers/netns.ts';
import { haproxyCheck } from '../helpers/validators.ts';

const scratch = scratchDir('balancing');
const PASSWORD = 'statspw';
const TUTORIAL = readFileSync(TUTORIAL_LAB, 'utf8');

/** The tutorial's farm with another page, this balance and cookie mode, served on loopback. */
function labOf(balance: BalanceAlgorithm, mode: CookieMode, page = 'Served by {host}', port = 0): Lab {
  const text = TUTORIAL.replace('balance: roundrobin', `balance: ${balance}`)
    .replace('mode: prefix', `mode: ${mode}`)
    .replace('"Bienvenido a nginx! ({host})"', JSON.stringify(page));
  const lab = parseLab(text, join(scratch.dir, 'lab.yaml'));
  return { ...lab, vip: { ...lab.vip, address: '127.0.0.1' }, haproxy: { ...lab.haproxy, port } };
}

function withClientTimeout(lab: Lab, client: string): Lab {
  return { ...lab, haproxy: { ...lab.haproxy, timeouts: { ...lab.haproxy.timeouts, client } } };
}

let sshd: TestSshd;
let netns: TestNetns;
let haproxy: ChildProcess | undefined;
let nginx: ChildProcess | undefined;
let haproxyPort: number;
const webPorts = new Map<string, number>();
let client: MachineLanClient;

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** nginx serving each web server's page as the nginx role writes it, on a port of its own. */
async function startNginx(lab: Lab): Promise<void> {
  const dir = join(scratch.dir, 'nginx');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const servers = webServers(lab).map((host) => {
    mkdirSync(join(dir, host.name), { recursive: true });
    writeFileSync(join(dir, host.name, 'index.html'), pageHtml(lab, host.name));
    const snippet = join(dir, `${host.name}-session-cookie.conf`);
    writeFileSync(
      snippet,
      renderTemplate('roles/nginx/templates/session-cookie.conf.njk', {
        source: 'lab.yaml',
        cookie: lab.haproxy.cookie.name,
        mode: lab.haproxy.cookie.mode,
        value: sessionCookieValue(host.name),
      }),
    );
    return `  server { listen 127.0.0.1:${webPorts.get(host.name)}; root ${join(dir, host.name)}; include ${snippet}; }`;
  });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'user root;',
      'daemon off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log;`,
      'events {}',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  access_log off;',
      ...temp,
      ...servers,
      '}',
      '',
    ].join('\n'),
  );
  nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  for (const port of webPorts.values())
    expect(await waitUntil(() => listening(port), 10_000, 50), `nginx on ${port}`).toBeDefined();
}

/** The pages of `lab` in the roots nginx serves (it reads them at each request). */
function writePages(lab: Lab): void {
  for (const host of webServers(lab))
    writeFileSync(join(scratch.dir, 'nginx', host.name, 'index.html'), pageHtml(lab, host.name));
}

/** HAProxy with the defaults and listen sections the haproxy role renders for `lab`, moved to loopback. */
async function startHaproxy(lab: Lab): Promise<void> {
  await stop(haproxy);
  let cfg = renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', haproxyConfigVars(lab, PASSWORD));
  cfg = cfg.slice(cfg.indexOf('\ndefaults'));
  // On loopback for the machine over SSH, on the host's end of the test namespace's veth for the namespace client.
  cfg = cfg.replace(/^( +)bind \S+$/m, `$1bind 127.0.0.1:${haproxyPort}\n$1bind ${netns.hostAddress}:${haproxyPort}`);
  for (const host of webServers(lab)) cfg = cfg.replace(`${host.lan}:80`, `127.0.0.1:${webPorts.get(host.name)}`);
  expect(cfg).not.toMatch(/192\.168\./);
  const file = join(scratch.dir, 'haproxy.cfg');
  writeFileSync(file, `global\n    maxconn 100\n${cfg}`);
  haproxy = spawn('haproxy', ['-db', '-f', file], { stdio: 'ignore' });
  expect(await waitUntil(() => listening(haproxyPort), 10_000, 50), haproxyCheck(file).output).toBeDefined();
}

beforeAll(async () => {
  chmodSync(scratch.dir, 0o755);
  sshd = await startSshd();
  netns = createNetns();
  haproxyPort = await freePort();
  for (const host of webServers(labOf('roundrobin', 'prefix'))) webPorts.set(host.name, await freePort());
  await startNginx(labOf('roundrobin', 'prefix'));
  const provider = {
    sshEndpoints: async () => new Map<string, SshEndpoint>([['web3', sshd.endpoint('web3')]]),
  } as unknown as LabProvider;
  const knownHosts = new KnownHosts(join(scratch.dir, 'known_hosts'));
  const endpoints = new Map<string, SshEndpoint>();
  client = new MachineLanClient(
    labOf('roundrobin', 'prefix', undefined, haproxyPort),
    () => new MachineConnections(provider, knownHosts, endpoints),
    'web3',
  );
}, 60_000);

afterAll(async () => {
  client?.close();
  await stop(haproxy);
  await stop(nginx);
  await sshd?.stop();
  netns?.remove();
  scratch.remove();
}, 60_000);

/** V1's proofs for the farm `defined`, against HAProxy running what `running` renders to. */
async function prove(defined: Lab, running: Lab = defined) {
  writePages(running);
  await startHaproxy(running);
  const farm = {
    lab: { ...defined, haproxy: { ...defined.haproxy, port: haproxyPort } },
    client,
    statsPassword: PASSWORD,
    say: english,
  };
  // The client renders its requests from the lab it was made with: the same VIP name and port.
  return proveBalancing(farm);
}

describe('V1 against the real HAProxy 2.6, a farm that is what its definition says', () => {
  const cases = BALANCE_ALGORITHMS.flatMap((balance) => COOKIE_MODES.map((mode) => ({ balance, mode })));

  it.each(cases)(
    'passes balance $balance with cookie $mode',
    async ({ balance, mode }) => {
      const result = await prove(labOf(balance, mode));
      expect(result.passed, result.summary).toBe(true);
      const parts = result.summary.split('; ');
      expect(parts).toHaveLength(3);
      const [idle, busy, cookie] = parts as [string, string, string];
      if (balance === 'source') {
        const one = /^9 requests answered by (web\d) only$/.exec(idle)?.[1];
        expect(one, idle).toBeDefined();
        expect(busy).toBe(`with ${one} busy (a request held open) 6 requests stayed on ${one}`);
      } else {
        const round = /^9 requests answered by (web\d), (web\d), (web\d) in turn$/.exec(idle)?.slice(1);
        expect(new Set(round), idle).toEqual(new Set(['web1', 'web2', 'web3']));
        // V1 keeps busy the server the rotation gives next: the first of the round.
        const others = round!.slice(1).join(', ');
        expect(busy).toBe(
          balance === 'roundrobin'
            ? `with ${round![0]} busy (a request held open) 6 requests still went to ${round!.join(', ')} in turn`
            : `with ${round![0]} busy (a request held open) 6 requests went to ${others} in turn, none to ${round![0]}`,
        );
      }
      const value = mode === 'prefix' ? '[ABC]~web\\d-session' : '[ABC]';
      expect(cookie).toMatch(
        new RegExp(
          `^cookie JSESSIONID ${mode}: web\\d's first answer set JSESSIONID=${value}, and with each server's cookie all 6 requests stayed on that server${mode === 'insert' ? ' and were given no new cookie' : ''}$`,
        ),
      );
    },
    60_000,
  );
});

describe('V1 against the real HAProxy 2.6, a farm that differs from its definition in one field', () => {
  it.each([
    {
      field: 'cookie insert, HAProxy runs prefix',
      defined: labOf('leastconn', 'insert'),
      running: labOf('leastconn', 'prefix'),
      problem:
        /^web\d answered with JSESSIONID=[ABC]~web\d-session \(expected JSESSIONID=[ABC]: cookie insert: HAProxy sets its own cookie and removes the server's\)$/,
    },
    {
      field: 'cookie rewrite, HAProxy runs insert',
      defined: labOf('roundrobin', 'rewrite'),
      running: labOf('roundrobin', 'insert'),
      problem:
        /web1 answered a client holding its cookie with no JSESSIONID cookie \(expected JSESSIONID=A: cookie rewrite: HAProxy replaces the value of the server's own cookie with its label\)/,
    },
    {
      field: 'cookie insert, HAProxy runs rewrite',
      defined: labOf('roundrobin', 'insert'),
      running: labOf('roundrobin', 'rewrite'),
      problem: /web1 answered a client holding its cookie with JSESSIONID=A \(expected none: with cookie insert/,
    },
    {
      field: 'cookie prefix, HAProxy runs rewrite',
      defined: labOf('roundrobin', 'prefix'),
      running: labOf('roundrobin', 'rewrite'),
      problem: /^web\d answered with JSESSIONID=[ABC] \(expected JSESSIONID=[ABC]~web\d-session: cookie prefix/,
    },
    {
      field: 'balance leastconn, HAProxy runs roundrobin',
      defined: labOf('leastconn', 'insert'),
      running: labOf('roundrobin', 'insert'),
      problem:
        /^with (web\d) busy \(a request held open\): (web\d ){5}web\d \(expected web\d, web\d each once in every 2 requests, in the same order: balance leastconn\)$/,
    },
    {
      field: 'balance roundrobin, HAProxy runs leastconn',
      defined: labOf('roundrobin', 'prefix'),
      running: labOf('leastconn', 'prefix'),
      problem:
        /^with (web\d) busy \(a request held open\): (web\d ){5}web\d \(expected web1, web2, web3 each once in every 3 requests, in the same order: balance roundrobin\)$/,
    },
    {
      field: 'balance roundrobin, HAProxy runs source',
      defined: labOf('roundrobin', 'prefix'),
      running: labOf('source', 'prefix'),
      problem:
        /^not in turn: (web\d) (\1 ){7}\1 \(expected web1, web2, web3 each once in every 3 requests, in the same order\)$/,
    },
    {
      field: 'balance source, HAProxy runs roundrobin',
      defined: labOf('source', 'prefix'),
      running: labOf('roundrobin', 'prefix'),
      problem: /^not on one server: (web\d ){8}web\d \(expected every request on one server of web1, web2, web3\)$/,
    },
    // Not a definition's value (the rules refuse it): a running HAProxy that cuts the held request short.
    {
      field: 'timeout client 50ms on the running HAProxy',
      defined: labOf('leastconn', 'insert'),
      running: withClientTimeout(labOf('leastconn', 'insert'), '50ms'),
      problem:
        /^(the request held open to web\d ended before the 6 requests beside it were answered|a request held open to web\d \(by its cookie\) left it no connection open) \(HAProxy's stats: 0 current sessions/,
    },
    {
      field: 'another page than nginx serves',
      defined: labOf('roundrobin', 'prefix', 'Hello from {host}'),
      running: labOf('roundrobin', 'prefix'),
      problem:
        /^not in turn: (a page of no web server \("Served by web\d"\) ){8}a page of no web server \("Served by web\d"\) \(expected web1, web2, web3/,
    },
  ])(
    'fails with $field, saying why',
    async ({ defined, running, problem }) => {
      const result = await prove(defined, running);
      expect(result.passed).toBe(false);
      expect(result.summary).toMatch(problem);
    },
    60_000,
  );
});

describe('the held request', () => {
  it("keeps a connection open to the server its cookie names, until released, as HAProxy's stats show", async () => {
    const lab = labOf('leastconn', 'insert');
    await startHaproxy(lab);
    const farm = { lab: { ...lab, haproxy: { ...lab.haproxy, port: haproxyPort } }, client, statsPassword: PASSWORD };
    const scur = async () => (await webServerStats(farm))?.get('web2')?.scur;
    const started = performance.now();
    const held = await client.hold({ cookie: 'JSESSIONID=B', seconds: 60 });
    expect(await waitUntil(async () => (await scur()) === '1', 5000, 100)).toBeDefined();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await scur()).toBe('1');
    await held.release();
    // Ended by its PID long before curl's 60 s.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(await waitUntil(async () => (await scur()) === '0', 5000, 100)).toBeDefined();
  }, 60_000);
});

describe("from a network namespace, as the namespace provider's client sends the requests", () => {
  const page = 'Hola desde <{host}> & compañía';
  const inNamespace = (lab: Lab) => ({
    ...lab,
    vip: { ...lab.vip, address: netns.hostAddress },
    haproxy: { ...lab.haproxy, port: haproxyPort },
  });

  it('gets each page byte for byte, its last newline and its UTF-8 too', async () => {
    const lab = inNamespace(labOf('roundrobin', 'prefix', page));
    writePages(lab);
    await startHaproxy(lab);
    const answers = [];
    const nsClient = new NamespaceLanClient(lab, netns.name);
    for (let i = 0; i < 3; i++) answers.push((await nsClient.get())?.body);
    expect(new Set(answers)).toEqual(new Set(webServers(lab).map((h) => pageHtml(lab, h.name))));
    expect(answers[0]).toMatch(/compañía<\/h1><\/center>\n<\/body>\n<\/html>\n$/);
  }, 60_000);

  it('passes V1 of a leastconn farm with insert cookies, and holds a request open until released', async () => {
    const lab = inNamespace(labOf('leastconn', 'insert', page));
    writePages(lab);
    await startHaproxy(lab);
    const result = await proveBalancing({
      lab,
      client: new NamespaceLanClient(lab, netns.name),
      statsPassword: PASSWORD,
      say: english,
    });
    expect(result.passed, result.summary).toBe(true);
    expect(result.summary).toMatch(
      /^9 requests answered by (web\d, ){2}web\d in turn; with (web\d) busy \(a request held open\) 6 requests went to web\d, web\d in turn, none to \2; cookie JSESSIONID insert: /,
    );
  }, 60_000);
});
