// The template filters (issue 18, item 3): every value lands in a generated file escaped for its
// format or not at all, and the tutorial's files come out as before.
import { describe, expect, it } from 'vitest';
import {
  UnsafeTemplateValue,
  commentText,
  configWord,
  configWords,
  htmlText,
  rubyString,
} from '../../../lib/render/template-filters.ts';
import { renderTemplate } from '../../../lib/render/templates.ts';

describe('configWord: one word of a configuration line', () => {
  it.each([
    '5s',
    '192.168.1.100',
    '/var/log/ha-log',
    '/haproxy?stats',
    'web-cluster',
    'JSESSIONID',
    'aZ09xYz',
    'eth1.100',
    80,
  ])('passes %s unchanged', (value) => {
    expect(configWord(value)).toBe(String(value));
  });

  it.each([
    ['a newline (a second directive)', 'x\n    stats admin if TRUE'],
    ['a carriage return', 'x\rstats admin if TRUE'],
    ['"#" (the rest becomes a comment)', '/stats#x'],
    ['a space (a second argument)', 'a b'],
    ['a quote', `pa"ss`],
    ['a single quote', "pa'ss"],
    ['"$" (HAProxy expands variables)', '${HOME}'],
    ['a backslash', 'a\\b'],
    ['";" (ends an nginx directive)', 'a;b'],
    ['nothing', ''],
  ])('stops the render on %s', (_name, value) => {
    expect(() => configWord(value)).toThrow(UnsafeTemplateValue);
  });
});

describe('configWords: several words of one configuration line', () => {
  it('joins the words with a space, each held to configWord', () => {
    expect(configWords(['check'])).toBe('check');
    expect(configWords(['check', 'inter', '500ms', 'rise', 3])).toBe('check inter 500ms rise 3');
    expect(() => configWords(['check', 'a b'])).toThrow(UnsafeTemplateValue);
    expect(() => configWords(['check', 'x\n    stats admin if TRUE'])).toThrow(UnsafeTemplateValue);
  });

  it('stops the render on anything but a non-empty list', () => {
    for (const value of [[], 'check', undefined, { 0: 'check' }])
      expect(() => configWords(value)).toThrow(UnsafeTemplateValue);
  });
});

describe('commentText: a file name in a "#" comment', () => {
  it('keeps a plain name as it is', () => {
    expect(commentText('lab.yaml')).toBe('lab.yaml');
  });

  it('keeps one line of plain characters, at most 80', () => {
    const text = commentText('evil\nsystem("touch /tmp/x")\n#-*- frozen_string_literal: true -*-.yaml');
    expect(text).toBe('evil?system??touch ?tmp?x????-?- frozen_string_literal? true -?-.yaml');
    expect(commentText('x'.repeat(200))).toHaveLength(80);
  });
});

describe('rubyString and htmlText', () => {
  it('quote for Ruby so that a newline or quote stays inside the literal', () => {
    expect(rubyString("it's\\")).toBe("'it\\'s\\\\'");
    expect(rubyString('a\nb')).toBe("'a\nb'");
  });

  it('escape for HTML', () => {
    expect(htmlText(`<script>alert("x")</script> & 'y'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
    expect(htmlText('Bienvenido a nginx! (web1)')).toBe('Bienvenido a nginx! (web1)');
  });
});

describe('templates with hostile values', () => {
  const haproxyVars = (password: string) => ({
    source: 'lab.yaml',
    hap: {
      listen: 'web-cluster',
      port: 80,
      balance: 'roundrobin',
      options: ['httpclose'],
      cookie: { name: 'JSESSIONID', mode: 'prefix' },
      stats: { uri: '/haproxy?stats', user: 'admin' },
      timeouts: { connect: '5s', client: '50s', server: '50s' },
    },
    vip: '192.168.1.100',
    password,
    servers: [{ name: 'web1', address: '192.168.1.103', port: 80, cookie: 'A' }],
    checkWords: ['check'],
  });

  it('haproxy.cfg: a stats password with a newline stops the render, naming the template', () => {
    expect(renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', haproxyVars('s3cret'))).toContain(
      'stats auth admin:s3cret\n',
    );
    expect(() =>
      renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', haproxyVars('x\n    stats admin if TRUE')),
    ).toThrow(
      /^roles\/haproxy\/templates\/haproxy\.cfg\.njk: "x\\n    stats admin if TRUE" cannot be written into a configuration line/,
    );
  });

  it('haproxy.cfg: the health-check words go on each server line, one word each, or stop the render', () => {
    expect(
      renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', {
        ...haproxyVars('s3cret'),
        checkWords: ['check', 'inter', '3s', 'fall', '2'],
      }),
    ).toContain('    server web1 192.168.1.103:80 cookie A check inter 3s fall 2\n');
    expect(() =>
      renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', {
        ...haproxyVars('s3cret'),
        checkWords: ['check', 'inter 3s\n    stats admin if TRUE'],
      }),
    ).toThrow(UnsafeTemplateValue);
    expect(() =>
      renderTemplate('roles/haproxy/templates/haproxy.cfg.njk', { ...haproxyVars('s3cret'), checkWords: [] }),
    ).toThrow(UnsafeTemplateValue);
  });

  it('authkeys, ha.cf, haresources: a newline in a secret or an interface name stops the render', () => {
    expect(() => renderTemplate('roles/heartbeat/templates/authkeys.njk', { key: 'abc\n1 crc' })).toThrow(
      UnsafeTemplateValue,
    );
    const hb = {
      deadtime: 5,
      warntime: 10,
      initdead: 15,
      keepalive: 1,
      udpport: 694,
      autoFailback: true,
      logfile: '/var/log/ha-log',
      debugfile: '/var/log/ha-debug',
    };
    expect(() =>
      renderTemplate('roles/heartbeat/templates/ha.cf.njk', {
        source: 'lab.yaml',
        hb,
        ifaces: ['eth2\nbcast eth0'],
        nodes: ['haproxy1'],
      }),
    ).toThrow(UnsafeTemplateValue);
    expect(() =>
      renderTemplate('roles/heartbeat/templates/haresources.njk', {
        master: 'haproxy1',
        vip: '192.168.1.100',
        prefix: 24,
        iface: 'eth1 #',
      }),
    ).toThrow(UnsafeTemplateValue);
  });

  it('/etc/hosts and the ifupdown stanza: a value with a space stops the render', () => {
    expect(() =>
      renderTemplate('roles/hosts/templates/hosts-block.njk', {
        vip: { address: '192.168.1.100', name: 'x y' },
        hosts: [],
        balancers: [],
      }),
    ).toThrow(UnsafeTemplateValue);
    expect(() =>
      renderTemplate('roles/network/templates/interface.njk', {
        source: 'lab.yaml',
        network: 'lan',
        iface: 'eth1\nup rm -rf /',
        address: '192.168.1.101',
        prefix: 24,
        broadcast: '192.168.1.255',
      }),
    ).toThrow(UnsafeTemplateValue);
  });

  it('index.html: the page is escaped, the tutorial page is byte for byte as before', () => {
    expect(renderTemplate('roles/nginx/templates/index.html.njk', { page: 'Bienvenido a nginx! (web1)' })).toBe(
      '<html>\n<head>\n<title>Bienvenido a nginx!</title>\n</head>\n<body>\n<center><h1>Bienvenido a nginx! (web1)</h1></center>\n</body>\n</html>\n',
    );
    const page = renderTemplate('roles/nginx/templates/index.html.njk', { page: '<script>alert(1)</script> (web1)' });
    expect(page).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt; (web1)</h1>');
    expect(page).not.toContain('<script');
  });
});
