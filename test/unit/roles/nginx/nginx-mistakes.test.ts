// T10's mistake the web servers show by themselves: nginx not running.
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import type { MachineHoldings } from '../../../../roles/mistakes.ts';
import { nginxComponent } from '../../../../roles/nginx/nginx-component.ts';
import { nginxMistakes } from '../../../../roles/nginx/nginx-mistakes.ts';

const lab = loadLab(new URL('../../../../lab.yaml', import.meta.url).pathname);

function web(name: string, running: boolean | undefined): MachineHoldings {
  return {
    host: name,
    nodeName: name,
    interfaces: new Map(),
    files: new Map(),
    sysctls: new Map(),
    processes: new Map(running === undefined ? [] : [['nginx', running]]),
  };
}

const farm = (running: Record<string, boolean | undefined> = {}) =>
  new Map(['web1', 'web2', 'web3'].map((name) => [name, web(name, running[name] ?? true)]));

describe("nginx's mistakes", () => {
  it('is what the nginx component finds, reading its process', () => {
    expect(nginxComponent.mistakes).toBe(nginxMistakes);
    expect(nginxMistakes.processes).toEqual(['nginx']);
    expect(nginxMistakes.files(lab)).toEqual([]);
  });

  it('finds nothing where nginx runs on every web server', () => {
    expect(nginxMistakes.find(lab, farm())).toEqual([]);
  });

  it('finds nginx not running on a web server, in both languages', () => {
    const findings = nginxMistakes.find(lab, farm({ web2: false }));
    expect(findings.map((f) => [f.step, f.host])).toEqual([['T10', 'web2']]);
    const [f] = findings;
    expect(f!.wrong.en).toBe('nginx is not running on web2: it serves no page to HAProxy');
    expect(f!.wrong.es).toBe('nginx no está en marcha en tu web2: no sirve ninguna página a HAProxy');
    expect(f!.fix.en).toContain('/etc/init.d/nginx start');
    expect(f!.fix.es).toContain('/etc/init.d/nginx start');
    expect(f!.fix.es).not.toBe(f!.fix.en);
  });

  it('says nothing where the process could not be looked for, or the machine read', () => {
    const holdings = farm({ web1: undefined });
    holdings.set('web1', web('web1', undefined));
    holdings.delete('web3');
    expect(nginxMistakes.find(lab, holdings)).toEqual([]);
  });
});
