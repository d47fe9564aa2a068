// The farm a student built by hand (issue 29), end to end, as root: namespace machines (made by
// the netns provider and nothing more) on which a script follows the Spanish tutorial's text
// (test/helpers/tutorial-by-hand.ts, never hafarm's roles), checked as an existing farm over SSH:
// first contact, lab:verify passing every check with power given as commands of this computer,
// the checks that need power "not run" without them, the tutorial's known mistakes each failing
// with the step that fixes it, and a class of farms (one broken, one unreachable) graded into
// CSV and HTML, the HTML opened in headless Chromium; all of it also in Spanish (--lang es).
// The tests run in order on one farm: each mistake's needs the first two (first contact, tools);
// run alone with -t, include them (-t "first contact|once the tools|<the mistake>").
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withChromiumPage } from '../helpers/chromium.ts';
import { hafarm, PROJECT_DIR, TUTORIAL_LAB } from '../helpers/cli.ts';
import { e2eLabs, mustSucceed, type TestLab } from '../helpers/netns-lab.ts';
import { englishLeft } from '../helpers/english-left.ts';
import { freePort } from '../helpers/sshd.ts';
import {
  BALANCERS,
  buildFarmByHand,
  TUTORIAL_MISTAKES,
  waitForVip,
  type RunAsRoot,
} from '../helpers/tutorial-by-hand.ts';

const labs = e2eLabs('hand');
/** The machines the student built the farm on, and a second set for the class's broken farm. */
const A = labs.lab(TUTORIAL_LAB, 'ha');
const B = labs.lab(TUTORIAL_LAB, 'hb');
const FARM = { statsPassword: 'usuario', authkey: 'clave-de-heartbeat' };
const HOSTS = ['haproxy1', 'haproxy2', 'web1', 'web2', 'web3'];

/**
 * A student's root shell on their machine: lab:exec of the namespace lab. A script may restart
 * Heartbeat twice over (its stop alone may take 30 s): up to 5 minutes, then it is said.
 */
const runOn =
  (machines: TestLab): RunAsRoot =>
  async (host, script) => {
    const where = ['--lab', machines.file, '--state', machines.state];
    const result = await hafarm(['exec', ...where, host, 'sh', '-c', script], {
      cwd: machines.dir,
      timeoutMs: 300_000,
    });
    if (result.exitCode !== 0) throw new Error(`${host}: exit ${result.exitCode}: ${result.stderr}${result.stdout}`);
    return result.stdout;
  };

/** Each machine's SSH endpoint, as lab:ssh-config of the namespace lab writes it. */
async function endpoints(machines: TestLab): Promise<Map<string, { address: string; key: string }>> {
  const config = (await mustSucceed(machines, 'ssh-config')).stdout;
  const found = new Map<string, { address: string; key: string }>();
  for (const block of config.split(/^Host /m).slice(1)) {
    const host = block.split(/\s/)[0]!;
    const address = /^\s*HostName\s+(\S+)/m.exec(block)?.[1];
    const key = /^\s*IdentityFile\s+"?([^"\n]+)"?/m.exec(block)?.[1];
    if (address && key) found.set(host, { address, key });
  }
  return found;
}

/**
 * The definition of the farm built on `machines`, as a student gives it: the tutorial's lab.yaml
 * with provider existing, how to reach each machine, and (when `power`) the commands of this
 * computer that power each one off and on: here the namespace lab's own halt and start.
 */
async function existingFarm(
  machines: TestLab,
  name: string,
  options: { power: boolean; unreachable?: number },
): Promise<string> {
  const reach = await endpoints(machines);
  const hafarmCli = [process.execPath, join(PROJECT_DIR, 'bin/hafarm.js')];
  const entries = HOSTS.map((host) => {
    const { address, key } = reach.get(host)!;
    const ssh =
      options.unreachable === undefined
        ? `{host: ${address}, user: root, key: ${JSON.stringify(key)}}`
        : `{host: 127.0.0.1, port: ${options.unreachable}, user: root, key: ${JSON.stringify(key)}}`;
    const power = (what: string) =>
      JSON.stringify([...hafarmCli, what, host, '--lab', machines.file, '--state', machines.state]);
    return `  ${host}:\n    ssh: ${ssh}\n${options.power ? `    power:\n      off: ${power('halt')}\n      on: ${power('start')}\n` : ''}`;
  });
  const file = join(machines.dir, `${name}.yaml`);
  writeFileSync(
    file,
    `${readFileSync(TUTORIAL_LAB, 'utf8')
      .replace(/^name: \w+$/m, `name: ${name}`)
      .replace('provider: auto', 'provider: existing')}\nexisting:\n${entries.join('')}`,
  );
  return file;
}

const farmCli = (lab: string, ...args: string[]) => {
  const [command, ...rest] = args;
  return hafarm([command!, '--lab', lab, '--state', `${lab}.state`, ...rest], { cwd: PROJECT_DIR, timeoutMs: 900_000 });
};

let withPower = '';
let withoutPower = '';

beforeAll(async () => {
  labs.create();
  await mustSucceed(A, 'up', '--provider', 'netns');
  await buildFarmByHand(runOn(A), FARM);
  withPower = await existingFarm(A, 'hand', { power: true });
  withoutPower = await existingFarm(A, 'handnp', { power: false });
}, 1_200_000);
afterAll(async () => {
  for (const lab of [withPower, withoutPower]) if (lab) await farmCli(lab, 'destroy');
  await labs.destroy();
}, 300_000);

describe('a farm built by hand, checked as machines that exist', () => {
  it('lab:up makes first contact and changes nothing; lab:verify says which program a machine lacks', async () => {
    const up = await farmCli(withPower, 'up');
    expect(up.exitCode, up.stderr).toBe(0);
    for (const host of HOSTS) expect(up.stdout).toContain(`reached; it calls itself ${host}`);
    // A student's minimal Debian has no curl or tcpdump (these machines' base has them: taken off
    // where lab:verify needs them). Nothing is installed unless asked.
    const run = runOn(A);
    for (const host of ['web3', 'haproxy2'])
      await run(host, 'DEBIAN_FRONTEND=noninteractive apt-get remove -y curl tcpdump >/dev/null');
    const verify = await farmCli(withPower, 'verify', '--only', 'V1,V6');
    expect(verify.stdout).toMatch(
      /note: web3 lacks curl: install it there \(apt-get install curl\), or let hafarm install it with npm run lab:provision -- --tags tools/,
    );
    expect(verify.stdout).toMatch(/^NOT RUN V1 /m);
    expect(verify.stdout).toMatch(/^NOT RUN V6 /m);
    expect(verify.stdout).toContain('0 passed, 0 failed, 2 not run');
  }, 300_000);

  it("passes every check once the tools are allowed, the stats password read from the student's haproxy.cfg", async () => {
    const tools = await farmCli(withPower, 'provision', '--tags', 'tools');
    expect(tools.exitCode, tools.stdout + tools.stderr).toBe(0);
    const verify = await farmCli(withPower, 'verify');
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    for (const id of ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'])
      expect(verify.stdout).toMatch(new RegExp(`^PASS ${id} `, 'm'));
    expect(verify.stdout).toContain('6 passed, 0 failed');
    // The tutorial's static pages set no JSESSIONID: the client's cookie is what is proved.
    expect(verify.stdout).toMatch(/^PASS V1 .*cookie JSESSIONID prefix: no web server sets JSESSIONID/m);
    expect(verify.stdout).not.toContain("What is wrong, by the tutorial's steps");
  }, 900_000);

  it('says all of it in Spanish with --lang es: verdicts, figures, evidence and the report', async () => {
    const verify = await farmCli(withPower, 'verify', '--lang', 'es');
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    for (const id of ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'])
      expect(verify.stdout).toMatch(new RegExp(`^SUPERADA ${id} `, 'm'));
    expect(verify.stdout).toMatch(/^Pila de alta disponibilidad: Heartbeat /m);
    expect(verify.stdout).toMatch(/^SUPERADA V1 .*ningún servidor web establece JSESSIONID/m);
    expect(verify.stdout).toContain('6 superadas, 0 fallidas');
    expect(englishLeft(verify.stdout), verify.stdout).toEqual([]);
    const report = join(`${withPower}.state`, 'report');
    const html = readFileSync(join(report, 'index.html'), 'utf8');
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<h1>Verificación de hafarm del laboratorio "hand"</h1>');
    const text = html.replace(/<style>[^<]*<\/style>/, '').replace(/<[^>]+>/g, '\n');
    expect(englishLeft(text)).toEqual([]);
    const results = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')) as { lang: string };
    expect(results.lang).toBe('es');
  }, 900_000);

  it('lab:import writes the definition from the machines; lab:validate accepts it and lab:verify proves the farm with it', async () => {
    const reach = await endpoints(A);
    const out = join(A.dir, 'imported.yaml');
    const machines = HOSTS.flatMap((host) => ['--machine', `${host}=root@${reach.get(host)!.address}`]);
    const key = reach.get('haproxy1')!.key;
    const imported = await hafarm(['import', ...machines, '--key', key, '--name', 'imported', '--out', out], {
      cwd: A.dir,
    });
    expect(imported.exitCode, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`wrote ${out}`);
    expect(imported.stdout).toContain('lab:validate accepts it');
    const validate = await hafarm(['validate', '--lab', out], { cwd: A.dir });
    expect(validate.exitCode, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('VIP 192.168.1.100 (trabajoswap.com)');
    expect(validate.stdout).toContain('balancers: haproxy1 (master), haproxy2 (backup)');
    expect(validate.stdout).toContain('web servers: web1, web2, web3');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('page: "Bienvenido a nginx! ({host})"');
    expect(text).toContain('cidr: "10.100.100.0/24"');
    expect((await farmCli(out, 'up')).exitCode).toBe(0);
    const verify = await farmCli(out, 'verify', '--only', 'V1,V2');
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain('2 passed, 0 failed');
    await farmCli(out, 'destroy');
  }, 600_000);

  it('without power commands, the checks that power machines off are not run, counted apart, never a PASS', async () => {
    expect((await farmCli(withoutPower, 'up')).exitCode).toBe(0);
    const verify = await farmCli(withoutPower, 'verify');
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^PASS V1 /m);
    expect(verify.stdout).toMatch(/^PASS V2 /m);
    for (const id of ['V3', 'V4', 'V5', 'V6'])
      expect(verify.stdout).toMatch(
        new RegExp(
          `^NOT RUN ${id} .*not run: no power commands for \\w+: add existing\\.\\w+\\.power\\.off and \\.on`,
          'm',
        ),
      );
    expect(verify.stdout).toContain('2 passed, 0 failed, 4 not run');
    const html = readFileSync(join(`${withoutPower}.state`, 'report', 'index.html'), 'utf8');
    expect(html).toContain('2 passed, 0 failed, 4 not run');
    expect(html).toMatch(/<tr class="notrun"><td>V4<\/td>/);
    const enEspañol = await farmCli(withoutPower, 'verify', '--lang', 'es');
    expect(enEspañol.exitCode, enEspañol.stdout + enEspañol.stderr).toBe(0);
    for (const id of ['V3', 'V4', 'V5', 'V6'])
      expect(enEspañol.stdout).toMatch(
        new RegExp(
          `^NO EJECUTADA ${id} .*no ejecutada: no hay órdenes de encendido para \\w+: añade existing\\.\\w+\\.power\\.off y \\.on`,
          'm',
        ),
      );
    expect(enEspañol.stdout).toContain('2 superadas, 0 fallidas, 4 no ejecutadas');
    expect(englishLeft(enEspañol.stdout), enEspañol.stdout).toEqual([]);
  }, 600_000);
});

/** Which check each mistake fails, and what the explanation must say (two of them asked in Spanish). */
const EXPECTED: Record<string, { only: string; fails: string; said: RegExp; lang?: 'es' }> = {
  'bcast eth1': { only: 'V6', fails: 'V6', said: /^ {2}T5 haproxy1: \/etc\/ha\.d\/ha\.cf .*bcast eth1/m },
  'node names': { only: 'V1', fails: 'V1', said: /^ {2}T5 haproxy1: .*balanceador1/m, lang: 'es' },
  authkeys: { only: 'V4', fails: 'V4', said: /^ {2}T6 haproxy2: .*authkeys.*644/m },
  haresources: { only: 'V1', fails: 'V1', said: /^ {2}T7 haproxy1: .*eth3/m },
  listen: { only: 'V1', fails: 'V1', said: /^ {2}T8 haproxy1: .*listen web-cluster 192\.168\.1\.100:80/m },
  nonlocal: { only: 'V4', fails: 'V4', said: /^ {2}T8 haproxy2: .*ip_nonlocal_bind/m, lang: 'es' },
};

function expectationOf(name: string) {
  const key = Object.keys(EXPECTED).find((k) =>
    name.includes(k === 'nonlocal' ? 'ip_nonlocal_bind' : k === 'listen' ? 'listen web-cluster' : k),
  );
  if (!key) throw new Error(`no expectation for the mistake "${name}"`);
  return EXPECTED[key]!;
}

describe("the tutorial's known mistakes, each failing with the step that fixes it", () => {
  it.each(TUTORIAL_MISTAKES.map((m) => [m.step, m.name, m] as const))(
    '%s: %s',
    async (_step, _name, mistake) => {
      const run = runOn(A);
      const expected = expectationOf(mistake.name);
      for (const [host, script] of mistake.apply) await run(host, script);
      // Undone also when an assertion fails, every machine's part also after one failed: the
      // next tests need the whole farm back.
      const undo = async () => {
        const failed: string[] = [];
        for (const [host, script] of mistake.undo) await run(host, script).catch((e: Error) => failed.push(e.message));
        await waitForVip(run, BALANCERS[0]);
        return failed;
      };
      let undone: string[] | undefined;
      try {
        const lang = expected.lang ?? 'en';
        const verify = await farmCli(withPower, 'verify', '--only', expected.only, '--lang', lang);
        expect(verify.exitCode, verify.stdout).toBe(1);
        const failed = lang === 'es' ? 'FALLIDA' : 'FAIL';
        expect(verify.stdout).toMatch(new RegExp(`^${failed} ${expected.fails} `, 'm'));
        expect(verify.stdout).toContain(
          lang === 'es' ? 'Qué está mal, por pasos del tutorial:' : "What is wrong, by the tutorial's steps:",
        );
        if (lang === 'es') expect(englishLeft(verify.stdout), verify.stdout).toEqual([]);
        expect(verify.stdout).toMatch(expected.said);
        expect(verify.stdout).toMatch(new RegExp(`^ {2}${mistake.step} `, 'm'));
        const results = JSON.parse(readFileSync(join(`${withPower}.state`, 'report', 'results.json'), 'utf8')) as {
          findings: Array<{ step: string; wrong: { en: string; es: string } }>;
        };
        expect(results.findings.some((f) => f.step === mistake.step && f.wrong.es.length > 0)).toBe(true);
        undone = await undo();
      } finally {
        undone ??= await undo();
      }
      expect(undone, 'undoing the mistake').toEqual([]);
    },
    600_000,
  );
});

describe('a class of farms graded', () => {
  it('writes a row per student, the broken farm explained and the unreachable one saying why; the HTML opens in Chromium', async () => {
    await mustSucceed(B, 'up', '--provider', 'netns');
    const runB = runOn(B);
    await buildFarmByHand(runB, FARM);
    // This student installed curl themselves, as lab:verify's note offers.
    await runB('web3', 'DEBIAN_FRONTEND=noninteractive apt-get install -y curl >/dev/null');
    const listen = TUTORIAL_MISTAKES.find((m) => m.name.includes('listen web-cluster'))!;
    for (const [host, script] of listen.apply) await runB(host, script);
    const broken = await existingFarm(B, 'broken', { power: true });
    const unreachable = await existingFarm(B, 'away', { power: false, unreachable: await freePort() });
    const list = join(A.dir, 'class.yaml');
    writeFileSync(
      list,
      `farms:\n  - {student: Ana García, lab: ${withPower}}\n  - {student: "Luis <b>", lab: ${broken}}\n  - {student: Eva, lab: ${unreachable}}\n`,
    );
    const out = join(A.dir, 'class');
    // The class of a Spanish course: the table, the rows' reasons and the farms' reports in Spanish.
    const graded = await hafarm(['class', list, '--out', out, '--only', 'V1,V2', '--lang', 'es'], {
      cwd: A.dir,
      timeoutMs: 900_000,
    });
    expect(graded.exitCode, graded.stdout + graded.stderr).toBe(0);
    expect(graded.stdout).toMatch(/^clase de 3 granjas, 2 a la vez; resultados en /m);
    expect(graded.stdout).toMatch(/^Ana García: 2 de 2 superadas \(informe /m);
    expect(graded.stdout).toMatch(/^Luis <b>: [01] de 2 superadas/m);
    expect(graded.stdout).toMatch(/^Eva: lab:up falló: .*cannot connect to root@127\.0\.0\.1/m);
    expect(graded.stdout).toMatch(/^tabla: /m);

    const csv = readFileSync(join(out, 'class.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe(
      '"estudiante","laboratorio","V1","V2","superadas","fallidas","no ejecutadas","problema","qué está mal","informe"',
    );
    expect(csv[1]).toMatch(
      /^"Ana García",".*","SUPERADA","SUPERADA","2","0","0","","","farms\/001-ana-garcia\/report\/index\.html"$/,
    );
    expect(csv[2]).toMatch(/^"Luis <b>",".*","FALLIDA",.*T8 haproxy1: .*listen web-cluster 192\.168\.1\.100:80/);
    expect(csv[3]).toMatch(/^"Eva",".*","","","0","0","0","lab:up falló: .*cannot connect/);

    await withChromiumPage(async (page) => {
      await page.goto(`file://${join(out, 'class.html')}`);
      const rows = await page.$$eval('tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
      expect(rows).toHaveLength(4);
      expect(rows[2]).toContain('Luis <b>');
      expect(await page.$$('b')).toHaveLength(0);
      // Ana's V1 links to the check in her farm's report, which opens.
      expect(await page.getAttribute('html', 'lang')).toBe('es');
      expect(rows[0]).toContain('estudiante');
      const href = await page.$eval('td.pass a', (a) => (a as HTMLAnchorElement).href);
      expect(await page.textContent('td.pass a')).toBe('SUPERADA');
      expect(href).toMatch(/\/class\/farms\/001-ana-garcia\/report\/index\.html#V1$/);
      await page.goto(href);
      expect(await page.textContent('h1')).toContain('Verificación de hafarm del laboratorio "hand"');
      expect(await page.textContent('#V1 h2')).toMatch(/— SUPERADA$/);
    });
    for (const lab of [broken, unreachable]) await farmCli(lab, 'destroy');
  }, 1_500_000);
});
