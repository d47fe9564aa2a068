// Issue 27, class 6: values the definition accepted that the farm or its daemons reject. Each rule
// lives where every such value passes (the reader of every text, of every fractional number, of
// every name, of every log file; the statistics URI against the site's pages), so each is tried
// here with several values of its class, and the values that stay allowed are tried too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../../helpers/definition-issues.ts';
import { definitionParts, parseLab } from '../../../lib/farm/load-lab.ts';
import { farmFacts } from '../../../lib/lab/definition-parts.ts';
import { formatDefinitionIssue } from '../../../lib/lab/definition-error.ts';
import { decimalPlaces } from '../../../lib/lab/decimal.ts';
import { addressFormProblem, logFileProblem } from '../../../lib/lab/field-values.ts';
import { farmPlaybook } from '../../../roles/playbook.ts';
import { renderHost } from '../../../roles/render-lab.ts';

const TUTORIAL = readFileSync(new URL('../../../lab.yaml', import.meta.url), 'utf8');

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`"${needle}" not in the text`);
  return text.slice(0, index).split('\n').length;
}

/** The one issue a definition is refused with: a clear problem at the field, on the field's line. */
function refusal(text: string, field: string, needle: string) {
  const issues = issuesOf(text);
  expect(issues, JSON.stringify(issues)).toHaveLength(1);
  const [issue] = issues;
  expect(issue).toMatchObject({ file: '/labs/bad.yaml', field, line: lineOf(text, needle) });
  expect(issue!.allowed).toBeTruthy();
  expect(formatDefinitionIssue(issue!)).not.toContain('\n');
  return issue!;
}

describe('haproxy.stats.uri: never over a page of the site (HAProxy matches it as a prefix)', () => {
  const withUri = (uri: string) => TUTORIAL.replace('uri: /haproxy?stats', `uri: ${JSON.stringify(uri)}`);

  it.each([
    ['/', /^"\/" begins every request: HAProxy would answer all of them with its statistics page/],
    ['/i', /^"\/i" begins every request for \/index\.html, a page of the site/],
    ['/index', /^"\/index" begins every request for \/index\.html, a page of the site/],
    ['/index.htm', /^"\/index\.htm" begins every request for \/index\.html/],
    ['/index.html', /^"\/index\.html" begins every request for \/index\.html/],
    ['/index.nginx-debian.html', /^"\/index\.nginx-debian\.html" begins every request for \/index\.nginx-debian\.html/],
    ['/?stats', /^"\/\?stats" begins the requests with a query that begins "\?stats" for \/, a page of the site/],
    [
      '/index.html?stats',
      /^"\/index\.html\?stats" begins the requests with a query that begins "\?stats" for \/index\.html/,
    ],
    ['//haproxy', /has an empty, "\." or "\.\." part in its path: browsers and nginx rewrite such a path/],
    ['/stats/../', /has an empty, "\." or "\.\." part/],
    ['/./haproxy?stats', /has an empty, "\." or "\.\." part/],
    ['/haproxy stats', /^"\/haproxy stats" is not valid/],
    ['/haproxy?stats#top', /^"\/haproxy\?stats#top" is not valid/],
    ['/haproxy;csv', /^"\/haproxy;csv" is not valid/],
    ['haproxy', /^"haproxy" is not valid/],
  ])('refuses %s at the field, saying why', (uri, problem) => {
    const issue = refusal(withUri(uri), 'haproxy.stats.uri', 'uri: "');
    expect(issue.problem).toMatch(problem);
    expect(issue.allowed).toMatch(/^a path of its own that begins no page of the site|^a path starting with "\/"/);
  });

  it('names the pages of the site in what is allowed', () => {
    expect(refusal(withUri('/i'), 'haproxy.stats.uri', 'uri: "').allowed).toBe(
      'a path of its own that begins no page of the site, such as /haproxy?stats (the tutorial\'s): not "/", no empty, "." or ".." part; the site serves /, /index.html, /index.nginx-debian.html',
    );
  });

  it.each(['/haproxy?stats', '/stats', '/stats/', '/estadisticas', '/index.html/stats', '/INDEX.html', '/s?x=1&y=2'])(
    'accepts %s, which begins no page of the site',
    (uri) => {
      expect(parseLab(withUri(uri), '/labs/ok.yaml').haproxy.stats.uri).toBe(uri);
    },
  );
});

describe('vip.name: a name, never an address the resolver would read instead', () => {
  const withName = (name: string) => TUTORIAL.replace('name: trabajoswap.com', `name: "${name}"`);

  it.each([
    ['192.168.1.100', 'is an IPv4 address'],
    ['10.0.0.1', 'is an IPv4 address'],
    ['1.2.3', 'is an IPv4 address'],
    ['127.1', 'is an IPv4 address'],
    ['3232235876', 'is an IPv4 address'],
    ['0x7f000001', 'is an IPv4 address'],
    ['0x7f.0.0.1', 'is an IPv4 address'],
    ['1.2.3.4.5', 'ends with a label of digits only'],
    ['web.123', 'ends with a label of digits only'],
  ])('refuses %s at the field', (name, problem) => {
    const issue = refusal(withName(name), 'vip.name', `name: "${name}"`);
    expect(issue.problem).toBe(`"${name}" ${addressFormProblem(name)}`);
    expect(issue.problem).toContain(problem);
    expect(issue.allowed).toMatch(/never an IPv4 address/);
  });

  it.each(['trabajoswap.com', 'www.trabajoswap.com', '1password.com', '10.0.0.1.example', 'farm-1.lab', '0x7g'])(
    'accepts %s',
    (name) => {
      expect(parseLab(withName(name), '/labs/ok.yaml').vip.name).toBe(name);
    },
  );

  it('holds the hosts to the same rule (their pattern already starts them with a letter)', () => {
    expect(addressFormProblem('web1')).toBeUndefined();
    expect(addressFormProblem('haproxy1')).toBeUndefined();
  });
});

describe('keepalived.advert_int: the decimal written is the one read, at the places VRRP carries', () => {
  const withAdvert = (version: 2 | 3, value: string) =>
    `${TUTORIAL}\nha:\n  stack: keepalived\nkeepalived:\n  version: ${version}\n  advert_int: ${value}\n`;
  const writtenAdvert = (text: string) => {
    const lab = parseLab(text, '/labs/ok.yaml');
    const [balancer] = lab.hosts;
    const files = renderHost(lab, balancer!, farmPlaybook(lab), {
      statsPassword: 'x',
      heartbeatAuthkey: 'a'.repeat(48),
      keepalivedAuthPass: 'Ab3dE6gH',
    });
    const conf = files.find((f) => f.path === '/etc/keepalived/keepalived.conf')!.content;
    return /^ {2}advert_int (\S+)$/m.exec(conf)![1];
  };

  it('counts the decimal places of the shortest text of a number', () => {
    expect([0.3, 0.1 + 0.2, 1.05, 255, 1e-7, 40.95, 0.7 + 0.1].map(decimalPlaces)).toEqual([1, 17, 2, 0, 7, 2, 16]);
  });

  it.each([
    [3, String(0.1 + 0.2), /^0\.30000000000000004 has 17 decimal places, more than the 2 it is written with$/],
    [3, String(0.7 + 0.1), /^0\.7999999999999999 has 16 decimal places/],
    [3, String(1.1 * 1.1), /^1\.2100000000000002 has 16 decimal places/],
    [3, '0.125', /^0\.125 has 3 decimal places/],
    [3, '0.001', /^0\.001 is out of range/],
    [3, '255', /^255 s is longer than VRRPv3 carries \(12 bits of centiseconds: 40\.95 s at most\)$/],
    [3, '40.96', /^40\.96 s is longer than VRRPv3 carries/],
    [2, '0.3', /^0\.3 is not a whole number of seconds, which is all VRRPv2 can carry$/],
    [2, '1.05', /^1\.05 is not a whole number of seconds/],
    [2, '256', /^256 is out of range/],
    [2, '0', /^0 is out of range/],
  ] as const)('version %i: refuses %s at the field', (version, value, problem) => {
    const issue = refusal(withAdvert(version, value), 'keepalived.advert_int', `advert_int: ${value}`);
    expect(issue.problem).toMatch(problem);
  });

  it.each([
    [3, '0.3', '0.3'],
    [3, '1.05', '1.05'],
    [3, '0.01', '0.01'],
    [3, '1e-2', '0.01'],
    [3, '40.95', '40.95'],
    [3, '0.300', '0.3'],
    [2, '1', '1'],
    [2, '255', '255'],
    [2, '3.0', '3'],
  ] as const)('version %i: accepts %s and writes advert_int %s', (version, value, written) => {
    expect(writtenAdvert(withAdvert(version, value))).toBe(written);
  });

  it('writes every centisecond VRRPv3 carries as its own decimal, never a binary artifact', () => {
    const lab = parseLab(withAdvert(3, '0.1'), '/labs/ok.yaml');
    const wrong: string[] = [];
    for (let k = 1; k <= 4095; k++) {
      const decimal = `${Math.floor(k / 100)}.${String(k % 100).padStart(2, '0')}`.replace(/\.?0+$/, '');
      const value = Number(decimal);
      expect(decimalPlaces(value)).toBeLessThanOrEqual(2);
      const model = { ...lab, keepalived: { ...lab.keepalived, advertInt: value } };
      const conf = renderHost(model, model.hosts[0]!, farmPlaybook(model), {
        statsPassword: 'x',
        keepalivedAuthPass: 'Ab3dE6gH',
      }).find((f) => f.path === '/etc/keepalived/keepalived.conf')!.content;
      if (!conf.includes(`  advert_int ${decimal}\n`)) wrong.push(decimal);
      if (k > 40) k += 37; // every value up to 0.40, then a spread to 40.95
    }
    expect(wrong).toEqual([]);
  });
});

describe('log files: a file of the lab’s own directly in /var/log/, never a folder, link or kernel file', () => {
  const FIELDS = [
    {
      field: 'heartbeat.logfile',
      edit: (v: string) => TUTORIAL.replace('logfile: /var/log/ha-log', `logfile: "${v}"`),
    },
    {
      field: 'heartbeat.debugfile',
      edit: (v: string) => TUTORIAL.replace('debugfile: /var/log/ha-debug', `debugfile: "${v}"`),
    },
    {
      field: 'keepalived.logfile',
      edit: (v: string) => `${TUTORIAL}\nkeepalived:\n  logfile: "${v}"\n`,
    },
  ];
  const REFUSED: Array<[string, RegExp]> = [
    ['/var/log/', /ends with "\/": it names a folder, not a file/],
    ['/var/log/ha-log/', /ends with "\/": it names a folder/],
    ['/var/log', /is the folder \/var\/log itself, not a file in it/],
    ['/proc/x', /is in \/proc, where the kernel's and devices' files are, not logs/],
    ['/sys/kernel/x', /is in \/sys, where the kernel's/],
    ['/dev/null', /is in \/dev, where the kernel's/],
    ['/var/log/../x', /has an empty, "\." or "\.\." part/],
    ['/var/log/./ha-log', /has an empty, "\." or "\.\." part/],
    ['/var//log/ha-log', /has an empty, "\." or "\.\." part/],
    ['var/log/ha-log', /is not an absolute path/],
    ['/var/log/journal', /is a folder \(systemd-journald's\), not a file/],
    ['/var/log/apt', /is a folder \(apt's\), not a file/],
    ['/var/log/nginx', /is a folder \(nginx's, on the web servers\), not a file/],
    ['/var/log/private', /is a folder/],
    ['/var/log/README', /is a symbolic link/],
    ['/var/log/wtmp', /is a binary login record, not a text log/],
    ['/etc/passwd', /is not directly in \/var\/log\//],
    ['/var/log/ha log', /is not valid/],
  ];

  it.each(FIELDS.flatMap(({ field, edit }) => REFUSED.map(([value, problem]) => ({ field, edit, value, problem }))))(
    '$field: refuses $value',
    ({ field, edit, value, problem }) => {
      const issue = refusal(edit(value), field, `"${value}"`);
      expect(issue.problem).toBe(
        `"${value}" ${logFileProblem(value, farmFacts(definitionParts().sections).logFolders)}`,
      );
      expect(issue.problem).toMatch(problem);
      expect(issue.allowed).toMatch(/^a file directly in \/var\/log\//);
    },
  );

  it.each(['/var/log/ha-log', '/var/log/keepalived.log', '/var/log/hafarm.log', '/var/log/ha_debug'])(
    'accepts %s',
    (value) => {
      for (const { edit } of FIELDS) expect(() => parseLab(edit(value), '/labs/ok.yaml')).not.toThrow();
    },
  );
});

describe('text of whole Unicode characters in every field: a lone surrogate would be written as U+FFFD', () => {
  const CASES = [
    {
      name: 'nginx.page',
      text: TUTORIAL.replace('"Bienvenido a nginx! ({host})"', '"Bienvenido \\ud800 ({host})"'),
      at: 'page:',
    },
    {
      name: 'vip.name',
      text: TUTORIAL.replace('name: trabajoswap.com', 'name: "trabajo\\udfffswap.com"'),
      at: 'name: "trabajo',
    },
    {
      name: 'haproxy.stats.uri',
      text: TUTORIAL.replace('uri: /haproxy?stats', 'uri: "/haproxy?\\ud83d"'),
      at: 'uri: "',
    },
    { name: 'hosts[2].name', text: TUTORIAL.replace('- name: web1', '- name: "web\\udc001"'), at: 'name: "web' },
    { name: 'name', text: TUTORIAL.replace('name: swap', 'name: "sw\\ud800ap"'), at: 'name: "sw' },
    {
      name: 'haproxy.cookie.name',
      text: TUTORIAL.replace('name: JSESSIONID', 'name: "JSESSION\\ude00"'),
      at: 'name: "JSESSION',
    },
    { name: 'extra', text: `${TUTORIAL}extra: "\\ud800"\n`, at: 'extra:' },
  ];

  it.each(CASES)('refuses one in $name, at the field', ({ name, text, at }) => {
    const issues = issuesOf(text);
    const issue = issues.find((i) => /lone UTF-16 surrogate/.test(i.problem));
    expect(issue, JSON.stringify(issues)).toMatchObject({ field: name, line: lineOf(text, at) });
    expect(issue!.problem).toMatch(/^holds a lone UTF-16 surrogate \(\\u[0-9a-f]{4}, from a "\\u" escape\)/);
    expect(issue!.allowed).toMatch(/^whole Unicode characters/);
  });

  it('refuses one in a key', () => {
    const issues = issuesOf(TUTORIAL.replace('  memory: 512\n', '  memory: 512\n  "mem\\ud800": 1\n'));
    expect(issues.map((i) => i.problem)).toContainEqual(expect.stringMatching(/lone UTF-16 surrogate/));
  });

  it('accepts a pair, written as two escapes or one', () => {
    for (const escape of ['\\ud83d\\ude00', '\\U0001F600']) {
      const text = TUTORIAL.replace('"Bienvenido a nginx! ({host})"', `"Bienvenido ${escape} ({host})"`);
      expect(parseLab(text, '/labs/ok.yaml').nginx.page).toBe('Bienvenido \u{1f600} ({host})');
    }
  });
});

describe('every problem at once', () => {
  it('lists each rule’s refusal in one message', () => {
    const text = TUTORIAL.replace('uri: /haproxy?stats', 'uri: /')
      .replace('name: trabajoswap.com', 'name: 192.168.1.100')
      .replace('logfile: /var/log/ha-log', 'logfile: /var/log/')
      .replace('"Bienvenido a nginx! ({host})"', '"\\ud800 ({host})"');
    // the surrogate is refused before the fields are read: the rest follows once it is fixed
    expect(issuesOf(text).map((i) => i.field)).toEqual(['nginx.page']);
    const fixed = text.replace('"\\ud800 ({host})"', '"x ({host})"');
    expect(
      issuesOf(`${fixed}ha:\n  stack: keepalived\nkeepalived:\n  version: 3\n  advert_int: ${0.1 + 0.2}\n`)
        .map((i) => i.field)
        .sort(),
    ).toEqual(['haproxy.stats.uri', 'heartbeat.logfile', 'keepalived.advert_int', 'vip.name']);
  });
});
