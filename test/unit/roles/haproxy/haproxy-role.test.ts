// roles/haproxy.ts: the health-check settings on each server line, from the definition; the
// tutorial's bare `check` stays bare.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAPROXY_CHECK_DEFAULTS } from '../../../../roles/haproxy/health-check.ts';
import { parseLab } from '../../../../lib/farm/load-lab.ts';
import { renderTemplate } from '../../../../lib/render/templates.ts';
import { backendServers, haproxyConfigVars, healthCheckWords } from '../../../../roles/haproxy/haproxy-role.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';

const TUTORIAL = readFileSync(TUTORIAL_LAB, 'utf8');
const serverLines = (text: string) =>
  renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', haproxyConfigVars(parseLab(text, '/labs/lab.yaml'), 'pw'))
    .split('\n')
    .filter((l) => l.trim().startsWith('server '));

describe('the health-check words of the server lines', () => {
  it("are a bare check with HAProxy's own settings, written or not", () => {
    expect(healthCheckWords(HAPROXY_CHECK_DEFAULTS)).toEqual(['check']);
    expect(healthCheckWords({ inter: '2000ms', fall: 3, rise: 2 })).toEqual(['check']);
    expect(serverLines(TUTORIAL)).toEqual([
      '    server web1 192.168.1.103:80 cookie A check',
      '    server web2 192.168.1.104:80 cookie B check',
      '    server web3 192.168.1.105:80 cookie C check',
    ]);
  });

  it('name each setting that differs, as the definition wrote it', () => {
    expect(healthCheckWords({ inter: '500ms', fall: 3, rise: 2 })).toEqual(['check', 'inter', '500ms']);
    expect(healthCheckWords({ inter: '2s', fall: 2, rise: 4 })).toEqual(['check', 'fall', '2', 'rise', '4']);
    const text = TUTORIAL.replace(
      '  check:\n    inter: 2s\n    fall: 3\n    rise: 2\n',
      '  check:\n    inter: 1s\n    fall: 2\n',
    );
    expect(serverLines(text)[1]).toBe('    server web2 192.168.1.104:80 cookie B check inter 1s fall 2');
  });
});

describe('the backend servers', () => {
  it("are the web servers in the definition's order, with cookie labels A, B, C…", () => {
    expect(backendServers(parseLab(TUTORIAL, '/labs/lab.yaml')).map((s) => `${s.name}=${s.cookie}`)).toEqual([
      'web1=A',
      'web2=B',
      'web3=C',
    ]);
  });
});
