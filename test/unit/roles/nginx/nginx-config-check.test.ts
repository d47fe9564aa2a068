// What nginx -t says of a web server's snippet, placed at the definition's fields, and the main
// configuration the snippet is checked in: everything nginx -t writes stays in its own folder.
import { describe, expect, it } from 'vitest';
import {
  fieldOfNginxLine,
  nginxMainConfig,
  nginxOutputToProblems,
} from '../../../../roles/nginx/nginx-config-check.ts';

describe('nginx -t of a snippet', () => {
  const snippet = ['# Written by hafarm', 'add_header Set-Cookie "JSESSIONID=web1-session; Path=/" x;', 'bogus;'].join(
    '\n',
  );
  const allowed = 'what nginx 1.22.1 accepts (nginx -t on this host)';

  it('places a complaint on the cookie line at the cookie name; the template’s own lines are left out', () => {
    expect(fieldOfNginxLine('add_header Set-Cookie "JSESSIONID=web1-session; Path=/";')).toEqual([
      'haproxy',
      'cookie',
      'name',
    ]);
    expect(fieldOfNginxLine('# comment')).toBeUndefined();
    const output = [
      'nginx: [emerg] invalid number of arguments in "add_header" directive in /tmp/n/snippet.conf:2',
      'nginx: [emerg] unknown directive "bogus" in /tmp/n/snippet.conf:3',
      'nginx: [warn] something harmless in /tmp/n/snippet.conf:2',
      'nginx: configuration file /tmp/n/nginx.conf test failed',
    ].join('\n');
    expect(nginxOutputToProblems('/tmp/n/snippet.conf', snippet, output, '1.22.1')).toEqual([
      {
        field: ['haproxy', 'cookie', 'name'],
        problem: 'nginx -t: invalid number of arguments in "add_header" directive',
        allowed,
      },
    ]);
  });

  it('keeps a failure outside the snippet at nginx', () => {
    expect(
      nginxOutputToProblems(
        '/tmp/n/snippet.conf',
        snippet,
        'nginx: [emerg] open() "/x" failed (2: No such file)',
        '1.22.1',
      ),
    ).toEqual([{ field: ['nginx'], problem: 'nginx -t: open() "/x" failed (2: No such file)', allowed }]);
  });

  it('wraps the snippet in an http block whose pid, logs and temporary folders are its own', () => {
    const main = nginxMainConfig('/tmp/n', '/tmp/n/snippet.conf');
    expect(main).toContain('http {\n');
    expect(main).toContain('  include /tmp/n/snippet.conf;\n');
    for (const line of main.split('\n').filter((l) => /^\s*\S+ \//.test(l))) expect(line).toMatch(/ \/tmp\/n\//);
  });
});
