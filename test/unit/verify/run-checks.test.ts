// The runner of lab:verify when a check breaks (issue 12): that check's FAIL with its reason,
// the others still run, what it powered off is powered on before the next one, and the report
// holds every check that ran, also when the run ends early.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import type { LabProvider, LinkState, MachineStatus } from '../../../lib/providers/provider.ts';
import { verdictCounts, verdictOf, type Check, type Machines, type VerifyContext } from '../../../lib/verify/check.ts';
import { RunReport } from '../../../lib/verify/report/write-report.ts';
import { runChecks } from '../../../lib/verify/run-checks.ts';
import { TUTORIAL_LAB, scratchDir } from '../../helpers/cli.ts';
import { asIs, english, speaker } from '../../../lib/said.ts';

/** Machines that are on or off in memory; the master holds the VIP while it runs; the site answers. */
function memoryLab() {
  const lab = loadLab(TUTORIAL_LAB);
  const on = new Map(lab.hosts.map((h) => [h.name, true]));
  const links: LinkState[] = lab.hosts.flatMap((h) =>
    (['lan', 'heartbeat'] as const)
      .filter((n) => n === 'lan' || h.heartbeat)
      .map((network) => ({ host: h.name, network, up: true, lossPercent: 0, delayMs: 0 })),
  );
  const provider: Pick<LabProvider, 'status' | 'powerOn' | 'powerOff' | 'links' | 'setLink'> = {
    async status(): Promise<MachineStatus[]> {
      return [...on].map(([host, running]) => ({ host, state: running ? 'running' : 'poweroff', detail: '' }));
    },
    async powerOff(host) {
      on.set(host, false);
    },
    async powerOn(host) {
      on.set(host, true);
    },
    async links() {
      return links.map((l) => ({ ...l }));
    },
    async setLink(host, network, change) {
      const link = links.find((l) => l.host === host && l.network === network)!;
      if (change.kind === 'down' || change.kind === 'up') link.up = change.kind === 'up';
      if (change.kind === 'loss') link.lossPercent = change.percent;
      if (change.kind === 'delay') link.delayMs = change.ms;
      if (change.kind === 'clear') Object.assign(link, { lossPercent: 0, delayMs: 0 });
    },
  };
  const machines: Machines = {
    exec: async () => ({ code: 0, stdout: '', stderr: '', stdoutBytes: Buffer.alloc(0) }),
    powerOff: (host) => provider.powerOff(host),
    powerOn: (host) => provider.powerOn(host),
    restore: (host) => provider.powerOn(host),
    stopPowerOperations: async () => undefined,
    holds: async (host) => on.get(host) === true,
    holderOf: async (hosts) => hosts.find((h) => on.get(h)),
    interfaceWith: async () => 'eth1',
    macWith: async () => '02:00:00:00:00:01',
    closeAll: () => undefined,
  };
  const ctx = {
    lab,
    provider: provider as LabProvider,
    client: {
      get: async () => ({ status: 200, headers: {}, setCookies: [], body: 'Bienvenido a nginx! (web1)' }),
      hold: async () => ({ release: async () => undefined }),
      vipMac: async () => undefined,
      forgetVipMac: async () => undefined,
    },
    machines,
    statsPassword: 'x',
    wire: { reportDir: '/nonexistent', capture: () => Promise.reject(new Error('no captures here')) },
    say: english,
  } satisfies VerifyContext;
  return { ctx, on, links };
}

const passing = (id: string, seen?: (ctx: VerifyContext) => Promise<void>): Check => ({
  id,
  title: { en: `check ${id}`, es: `check ${id}` },
  async run(ctx) {
    await seen?.(ctx);
    return { passed: true, summary: asIs('fine'), evidence: [] };
  },
});

const scratch = scratchDir('run-checks');
afterEach(() => scratch.remove());

describe('a check that throws', () => {
  it('is its own FAIL with the reason; the others pass, the lab is restored before the next, and the report has them all', async () => {
    const { ctx, on } = memoryLab();
    let web2WhenV3Began: boolean | undefined;
    const breaking: Check = {
      id: 'V2',
      title: { en: 'breaks midway', es: 'breaks midway' },
      async run(c) {
        await c.machines.powerOff('web2');
        throw new Error('this host has no tcpdump');
      },
    };
    const reportDir = join(scratch.dir, 'report');
    const report = new RunReport(reportDir, ctx.lab, asIs('memory'));
    const reportsAfterEach: string[] = [];
    const run = await runChecks(
      ctx,
      [],
      (r) => {
        report.add(r);
        reportsAfterEach.push(readFileSync(join(reportDir, 'summary.md'), 'utf8'));
      },
      undefined,
      [passing('V1'), breaking, passing('V3', async () => void (web2WhenV3Began = on.get('web2')))],
    );

    expect(run.results.map((r) => `${r.passed ? 'PASS' : 'FAIL'} ${r.id}`)).toEqual(['PASS V1', 'FAIL V2', 'PASS V3']);
    expect(run.results[1]!.summary).toBe('the check could not run: this host has no tcpdump');
    expect(web2WhenV3Began).toBe(true);
    expect([...on.values()].every(Boolean)).toBe(true);
    expect(run.restoreProblems).toEqual([]);
    // Written after each check: the first report already had V1, before V2 broke.
    expect(reportsAfterEach[0]).toContain('| V1 check V1 | PASS |');
    expect(reportsAfterEach[0]).toContain('still running');
    const final = readFileSync(join(report.finish([]), '..', 'summary.md'), 'utf8');
    expect(final).toContain('2 passed, 1 failed');
    expect(final).toContain('| V2 breaks midway | FAIL | the check could not run: this host has no tcpdump |');
    expect(final).not.toContain('still running');
    expect(existsSync(join(reportDir, 'index.html'))).toBe(true);
  });

  it('that cannot be restored after is said as such, with the machine and the reason', async () => {
    const { ctx } = memoryLab();
    const stuck = {
      ...ctx,
      machines: { ...ctx.machines, restore: () => Promise.reject(new Error('vagrant up failed')) },
    };
    const run = await runChecks(stuck, [], () => undefined, undefined, [
      {
        id: 'V4',
        title: { en: 'powers off', es: 'powers off' },
        run: async (c) => (await c.machines.powerOff('haproxy1'), { passed: true, summary: asIs(''), evidence: [] }),
      },
    ]);
    expect(run.results.map((r) => r.passed)).toEqual([true]);
    expect(run.restoreProblems).toEqual(['haproxy1 could not be powered on again: vagrant up failed']);
  });
});

describe('checks that break links (V8, V9)', () => {
  const cutting = (id: string, then: (ctx: VerifyContext) => Promise<never | void> = async () => undefined): Check => ({
    id,
    title: { en: `cuts ${id}`, es: `cuts ${id}` },
    onlyWhenAsked: true,
    changesLinks: true,
    async run(c) {
      await c.provider.setLink('haproxy2', 'heartbeat', { kind: 'loss', percent: 100 });
      await c.provider.setLink('haproxy2', 'lan', { kind: 'down' });
      await then(c);
      return { passed: true, summary: asIs('cut'), evidence: [] };
    },
  });

  it("run only when asked: by --only, or with the tutorial's checks by --faults", async () => {
    const { ctx } = memoryLab();
    const checks = [passing('V1'), cutting('V8')];
    expect((await runChecks(ctx, [], () => undefined, undefined, checks)).results.map((r) => r.id)).toEqual(['V1']);
    expect((await runChecks(ctx, ['V8'], () => undefined, undefined, checks)).results.map((r) => r.id)).toEqual(['V8']);
    expect((await runChecks(ctx, [], () => undefined, undefined, checks, true)).results.map((r) => r.id)).toEqual([
      'V1',
      'V8',
    ]);
  });

  it('leave every link as it was, after the check and after a check that threw midway', async () => {
    const { ctx, links } = memoryLab();
    // A link the user left degraded before the run stays as the user left it.
    links.find((l) => l.host === 'web1')!.lossPercent = 10;
    const before = JSON.stringify(links);
    let linksWhenV9Began = '';
    const run = await runChecks(ctx, ['V8', 'V9'], () => undefined, undefined, [
      cutting('V8', async () => {
        throw new Error('no tcpdump');
      }),
      {
        ...cutting('V9'),
        run: async (c) => (
          (linksWhenV9Began = JSON.stringify(await c.provider.links())),
          { passed: true, summary: asIs(''), evidence: [] }
        ),
      },
    ]);
    expect(run.results.map((r) => `${r.passed ? 'PASS' : 'FAIL'} ${r.id}`)).toEqual(['FAIL V8', 'PASS V9']);
    expect(linksWhenV9Began).toBe(before);
    expect(JSON.stringify(links)).toBe(before);
    expect(run.restoreProblems).toEqual([]);
  });

  it('an interrupted check that goes on in the background can change no link after the restore', async () => {
    const { ctx, links } = memoryLab();
    const before = JSON.stringify(links);
    let interrupt: (signal: string) => void = () => undefined;
    const interrupted = new Promise<string>((resolve) => (interrupt = resolve));
    let late: Promise<string> = Promise.resolve('not tried');
    const lingering: Check = {
      id: 'V9',
      title: { en: 'goes on', es: 'goes on' },
      changesLinks: true,
      async run(c) {
        await c.provider.setLink('haproxy2', 'heartbeat', { kind: 'loss', percent: 30 });
        interrupt('SIGINT');
        await new Promise((r) => setTimeout(r, 50));
        late = c.provider.setLink('haproxy2', 'heartbeat', { kind: 'loss', percent: 60 }).then(
          () => 'changed',
          (error: Error) => error.message,
        );
        return new Promise<never>(() => undefined);
      },
    };
    const run = await runChecks(ctx, ['V9'], () => undefined, interrupted, [lingering]);
    await new Promise((r) => setTimeout(r, 100));
    expect(run.interruptedBy).toBe('SIGINT');
    expect(await late).toBe('lab:verify was interrupted: no more link changes');
    expect(JSON.stringify(links)).toBe(before);
  });

  it('an interrupted run puts the links back too', async () => {
    const { ctx, links } = memoryLab();
    const before = JSON.stringify(links);
    let interrupt: (signal: string) => void = () => undefined;
    const interrupted = new Promise<string>((resolve) => (interrupt = resolve));
    const run = await runChecks(ctx, ['V8'], () => undefined, interrupted, [
      cutting('V8', () => (interrupt('SIGINT'), new Promise<never>(() => undefined))),
    ]);
    expect(run.interruptedBy).toBe('SIGINT');
    expect(JSON.stringify(links)).toBe(before);
  });

  it('a link that cannot be put back is said, naming it', async () => {
    const { ctx } = memoryLab();
    const setLink: LabProvider['setLink'] = async (host, network, change) => {
      if (change.kind === 'loss' && change.percent === 0) throw new Error('iptables: not found');
      return ctx.provider.setLink(host, network, change);
    };
    const stuck = { ...ctx, provider: { ...ctx.provider, setLink } as LabProvider };
    const run = await runChecks(stuck, ['V8'], () => undefined, undefined, [cutting('V8')]);
    expect(run.restoreProblems).toEqual([
      "haproxy2's heartbeat link could not be put back (loss): iptables: not found",
    ]);
  });
});

describe('checks the lab cannot run (issue 29)', () => {
  const powering = (id: string, ran: string[]): Check => ({
    id,
    title: { en: `check ${id}`, es: `check ${id}` },
    needs: (lab) => [{ need: 'power', host: lab.hosts[0]!.name }],
    async run(ctx) {
      ran.push(id);
      await ctx.machines.powerOff(ctx.lab.hosts[0]!.name);
      return { passed: true, summary: asIs('fine'), evidence: [] };
    },
  });

  it('are "not run", with the reason, never run, never a PASS, counted apart', async () => {
    const { ctx, on } = memoryLab();
    const cannot: LabProvider['cannot'] = (need, host) =>
      need === 'power'
        ? { en: `no power commands for ${host}`, es: `no hay órdenes de encendido para ${host}` }
        : undefined;
    const limited = { ...ctx, provider: { ...ctx.provider, cannot } as LabProvider };
    const ran: string[] = [];
    const seen: string[] = [];
    const run = await runChecks(limited, [], (r) => seen.push(`${verdictOf(r)} ${r.id}`), undefined, [
      passing('V1'),
      powering('V4', ran),
      passing('V6'),
    ]);
    expect(ran).toEqual([]);
    expect([...on.values()].every(Boolean)).toBe(true);
    expect(seen).toEqual(['PASS V1', 'NOT RUN V4', 'PASS V6']);
    expect(run.results[1]).toMatchObject({ passed: false, notRun: 'no power commands for haproxy1' });
    expect(verdictCounts(run.results, english)).toBe('2 passed, 0 failed, 1 not run');
  });

  it('a check using what the vantage lacks (a program on a machine) is not run, saying which', async () => {
    const { ctx } = memoryLab();
    const lacking = {
      ...ctx,
      lacking: { captures: { en: 'haproxy2 lacks tcpdump', es: 'a haproxy2 le falta tcpdump' } },
    };
    const capturing: Check = { ...passing('V6'), uses: ['captures'] };
    const requesting: Check = { ...passing('V1'), uses: ['requests'] };
    const run = await runChecks(lacking, [], () => undefined, undefined, [requesting, capturing]);
    expect(run.results.map((r) => [r.id, verdictOf(r), r.summary])).toEqual([
      ['V1', 'PASS', 'fine'],
      ['V6', 'NOT RUN', 'not run: haproxy2 lacks tcpdump'],
    ]);
  });

  it('are said in Spanish in a Spanish run: the title, the reason, the counts', async () => {
    const { ctx } = memoryLab();
    const cannot: LabProvider['cannot'] = (need, host) =>
      need === 'power'
        ? { en: `no power commands for ${host}`, es: `no hay órdenes de encendido para ${host}` }
        : undefined;
    const es = speaker('es');
    const inSpanish = {
      ...ctx,
      say: es,
      provider: { ...ctx.provider, cannot } as LabProvider,
      lacking: { captures: { en: 'haproxy2 lacks tcpdump', es: 'a haproxy2 le falta tcpdump' } },
    };
    const capturing: Check = { ...passing('V6'), uses: ['captures'] };
    const breaking: Check = {
      id: 'V2',
      title: { en: 'breaks', es: 'se rompe' },
      run: () => Promise.reject(new Error('no curl')),
    };
    const run = await runChecks(inSpanish, [], () => undefined, undefined, [
      passing('V1'),
      breaking,
      powering('V4', []),
      capturing,
    ]);
    expect(run.results.map((r) => [r.id, r.title, r.summary])).toEqual([
      ['V1', 'check V1', 'fine'],
      ['V2', 'se rompe', 'la comprobación no pudo ejecutarse: no curl'],
      ['V4', 'check V4', 'no ejecutada: no hay órdenes de encendido para haproxy1'],
      ['V6', 'check V6', 'no ejecutada: a haproxy2 le falta tcpdump'],
    ]);
    expect(verdictCounts(run.results, es)).toBe('1 superada, 1 fallida, 2 no ejecutadas');
  });

  it('where the provider can do it all, they run as before', async () => {
    const { ctx } = memoryLab();
    const ran: string[] = [];
    const run = await runChecks(ctx, [], () => undefined, undefined, [powering('V4', ran)]);
    expect(ran).toEqual(['V4']);
    expect(verdictCounts(run.results, english)).toBe('1 passed, 0 failed');
  });
});
