// Reading haproxy -c's alerts back onto the definition's fields (the real haproxy -c runs in
// test/integration/haproxy-check.test.ts).
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../../lib/farm/load-lab.ts';
import { alertsToProblems } from '../../../../roles/haproxy/haproxy-syntax-check.ts';
import { renderTemplate } from '../../../../lib/render/templates.ts';
import { haproxyConfigVars } from '../../../../roles/haproxy/haproxy-role.ts';
import { TUTORIAL_LAB } from '../../../helpers/cli.ts';

const lab = loadLab(TUTORIAL_LAB);
const config = renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', haproxyConfigVars(lab, 'pw'));
const lineOf = (start: string) => config.split('\n').findIndex((l) => l.trim().startsWith(start)) + 1;
const alert = (text: string) => `[ALERT]    (7) : config : ${text}`;
const problems = (...alerts: string[]) =>
  alertsToProblems(lab, config, ['[NOTICE]   (7) : haproxy version is 2.6.12', ...alerts].join('\n'), '2.6.12');

describe('haproxy -c alerts as definition problems', () => {
  it.each([
    ['timeout server', ['haproxy', 'timeouts', 'server']],
    ['listen', ['haproxy', 'listen']],
    ['bind', ['haproxy', 'port']],
    ['stats uri', ['haproxy', 'stats', 'uri']],
    ['stats auth', ['haproxy', 'stats', 'user']],
    ['balance', ['haproxy', 'balance']],
    ['option forwardfor', ['haproxy', 'options', 1]],
    ['cookie', ['haproxy', 'cookie', 'name']],
    ['server web2', ['hosts', 3]],
  ])('an alert on the "%s" line goes to %j', (start, field) => {
    expect(problems(alert(`parsing [/tmp/x/haproxy.cfg:${lineOf(start)}] : something is wrong.`))).toEqual([
      {
        field,
        problem: 'haproxy -c: something is wrong.',
        allowed: 'what HAProxy 2.6.12 accepts (haproxy -c on this host)',
      },
    ]);
  });

  it("leaves out alerts on the template's own lines (the host's HAProxy installed differently) and the summaries", () => {
    expect(
      problems(
        alert(`parsing [/tmp/x/haproxy.cfg:${lineOf('errorfile 400')}] : error opening file.`),
        alert('Error(s) found in configuration file : /tmp/x/haproxy.cfg'),
        alert('Fatal errors found in configuration.'),
      ),
    ).toEqual([]);
    expect(problems(alert(`parsing [/tmp/x/haproxy.cfg:${lineOf('option  httplog')}] : no.`))).toEqual([]);
  });

  it('puts an alert on the proxy as a whole at the haproxy section', () => {
    expect(problems(alert("Proxy 'web-cluster' : something about the proxy."))).toEqual([
      {
        field: ['haproxy'],
        problem: "haproxy -c: Proxy 'web-cluster' : something about the proxy.",
        allowed: 'what HAProxy 2.6.12 accepts (haproxy -c on this host)',
      },
    ]);
  });
});
