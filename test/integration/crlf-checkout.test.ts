// A Windows clone (Git for Windows checks text out with CRLF unless told otherwise) must still
// render Linux files: a "\r" in haresources makes Heartbeat look for interface "eth1\r" and the
// VIP never comes up (issue 13). The repository says LF for every text file, and the renderer
// writes LF whatever line endings the templates and the definition have.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_DIR, hafarm, scratchDir } from '../helpers/cli.ts';

const scratch = scratchDir('crlf');
afterAll(() => scratch.remove());

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );
}

describe('a checkout with CRLF line endings', () => {
  it('is not what git gives: every text file is checked out with LF', () => {
    const said = execFileSync(
      'git',
      [
        '-C',
        PROJECT_DIR,
        'check-attr',
        'eol',
        '--',
        'roles/heartbeat/templates/haresources.njk',
        'lab.yaml',
        'lib/render/templates.ts',
      ],
      { encoding: 'utf8' },
    );
    expect(
      said
        .trim()
        .split('\n')
        .map((l) => l.split(': ').pop()),
    ).toEqual(['lf', 'lf', 'lf']);
  });

  it('still renders every file byte for byte as from LF, with no \\r anywhere', async () => {
    // The project as a CRLF checkout: templates and the definition with \r\n.
    const copy = join(scratch.dir, 'project');
    cpSync(PROJECT_DIR, copy, { recursive: true, filter: (src) => !/\/(node_modules|\.git|\.lab[^/]*)$/.test(src) });
    symlinkSync(join(PROJECT_DIR, 'node_modules'), join(copy, 'node_modules'));
    const converted = [...files(join(copy, 'roles')), ...files(join(copy, 'lib/providers'))]
      .filter((f) => f.endsWith('.njk'))
      .concat(join(copy, 'lab.yaml'));
    for (const file of converted) writeFileSync(file, readFileSync(file, 'utf8').replace(/\r?\n/g, '\r\n'));
    expect(readFileSync(join(copy, 'roles/heartbeat/templates/haresources.njk'), 'utf8')).toContain('\r\n');

    const render = async (project: string, out: string) => {
      const result = await hafarm(
        ['render', '--lab', join(project, 'lab.yaml'), '--state', join(scratch.dir, 'state'), '--out', out],
        { cwd: project, project },
      );
      expect(result.exitCode, result.stderr).toBe(0);
    };
    await render(PROJECT_DIR, join(scratch.dir, 'from-lf'));
    await render(copy, join(scratch.dir, 'from-crlf'));
    const rendered = files(join(scratch.dir, 'from-crlf')).filter((f) => !f.endsWith('MANIFEST.json'));
    expect(rendered.length).toBeGreaterThan(10);
    for (const file of rendered) {
      const text = readFileSync(file, 'utf8');
      const name = relative(join(scratch.dir, 'from-crlf'), file);
      expect(text.includes('\r'), name).toBe(false);
      // The comments name the definition file, the same in both renders.
      expect(text, name).toBe(readFileSync(join(scratch.dir, 'from-lf', name), 'utf8'));
    }
  }, 120_000);
});
