// A service started/stopped (or restarted/reloaded, which always act: use them as handlers) and
// enabled at boot, on systemd and on SysV init scripts alike (the facts say which).
import { command, quote } from '../ssh/shell-quote.ts';
import type { Facts } from '../facts.ts';
import { changed, failed, ok, type Task, type TaskContext } from '../task.ts';

export interface ServiceSpec {
  name: string;
  service: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  /**
   * The daemon's program name, for SysV init scripts that have no status action (Debian's
   * keepalived): running means a process of that name runs. systemd knows without it.
   */
  process?: string;
  notify?: string[];
  tags?: string[];
}

interface InitSystem {
  probe(service: string, process?: string): string;
  action(service: string, verb: 'start' | 'stop' | 'restart' | 'reload'): string;
  enable(service: string, on: boolean): string;
}

const SYSTEMD: InitSystem = {
  probe: (s) =>
    `systemctl is-active --quiet ${quote(s)} && echo active=1 || echo active=0; systemctl is-enabled --quiet ${quote(s)} 2>/dev/null && echo enabled=1 || echo enabled=0`,
  action: (s, verb) => command('systemctl', verb, s),
  enable: (s, on) => command('systemctl', on ? 'enable' : 'disable', '--quiet', s),
};

const SYSV: InitSystem = {
  probe: (s, process) =>
    `${process ? command('pidof', process) : `service ${quote(s)} status`} >/dev/null 2>&1 && echo active=1 || echo active=0; ` +
    `if ls /etc/rc[2345].d/S[0-9][0-9]${quote(s)} >/dev/null 2>&1; then echo enabled=1; else echo enabled=0; fi`,
  action: (s, verb) => command('service', s, verb),
  enable: (s, on) =>
    on
      ? `update-rc.d ${quote(s)} defaults >/dev/null && update-rc.d ${quote(s)} enable`
      : `update-rc.d ${quote(s)} disable`,
};

function initOf(facts: Facts): InitSystem {
  return facts.init === 'systemd' ? SYSTEMD : SYSV;
}

async function probe(
  ctx: TaskContext,
  init: InitSystem,
  service: string,
  process?: string,
): Promise<{ active: boolean; enabled: boolean }> {
  const result = await ctx.reads.run(init.probe(service, process));
  return { active: result.stdout.includes('active=1'), enabled: result.stdout.includes('enabled=1') };
}

export function service(spec: ServiceSpec): Task {
  return {
    name: spec.name,
    tags: spec.tags,
    notify: spec.notify,
    reads: (facts) => [initOf(facts).probe(spec.service, spec.process)],
    async run(ctx) {
      const init = initOf(ctx.facts);
      // Started a moment ago by this run, with the configuration written before it: restarting
      // or reloading it again would read the same files (and a restart cost a failover's worth
      // of time: Heartbeat's initdead).
      if ((spec.state === 'restarted' || spec.state === 'reloaded') && ctx.run.startedServices.has(spec.service))
        return ok(`${spec.service} was started by this run`);
      const actual = await probe(ctx, init, spec.service, spec.process);
      const steps: Array<{ what: string; cmd: string }> = [];
      if (spec.enabled !== undefined && spec.enabled !== actual.enabled) {
        steps.push({
          what: `${spec.enabled ? 'enable' : 'disable'} ${spec.service}`,
          cmd: init.enable(spec.service, spec.enabled),
        });
      }
      const verb =
        spec.state === 'started'
          ? actual.active
            ? undefined
            : 'start'
          : spec.state === 'stopped'
            ? actual.active
              ? 'stop'
              : undefined
            : spec.state === 'restarted'
              ? 'restart'
              : spec.state === 'reloaded'
                ? actual.active
                  ? 'reload'
                  : 'start'
                : undefined;
      if (verb) steps.push({ what: `${verb} ${spec.service}`, cmd: init.action(spec.service, verb) });
      if (steps.length === 0) return ok();
      const what = steps.map((s) => s.what).join(', ');
      const diff = ctx.diff
        ? `${spec.service}: active ${actual.active} enabled ${actual.enabled} -> ${what}`
        : undefined;
      if (ctx.check) return changed(`would ${what}`, diff);
      for (const step of steps) {
        const result = await ctx.remote.exec(step.cmd, { timeoutMs: 120_000 });
        if (result.code !== 0)
          return failed(
            `${step.what} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n')}`,
          );
      }
      if (verb === 'start') ctx.run.startedServices.add(spec.service);
      return changed(what, diff);
    },
  };
}
