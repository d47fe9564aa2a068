// The one writer (lib/files/target-folder.ts), input by input of issue 27's classes 1–3: nothing
// written through a link found in place or outside the folder, no file of the user's replaced
// without leave, every problem said at once before anything is written, the kernel's folders
// refused, and a file replaced whole or not at all.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import {
  TargetFolder,
  WriteRefused,
  makeFolderChain,
  pathParts,
  replaceFile,
} from '../../../lib/files/target-folder.ts';
import { kernelFileSystemOf } from '../../../lib/files/kernel-file-systems.ts';
import { treeOf } from '../../helpers/tree.ts';

const scratch = mkdtempSync(join(tmpdir(), 'hafarm-target-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;
function fresh(): string {
  const dir = join(scratch, String(++count));
  mkdirSync(dir);
  return dir;
}

/** A folder in which hafarm replaces only what `ours` lists (or anything, with force). */
function folderAt(dir: string, ours: string[] = [], force = false): TargetFolder {
  return new TargetFolder(dir, {
    label: `--out ${dir}`,
    mayReplace: (target) => force || ours.includes(target),
    replaceHint: 'Pass --force to replace them.',
  });
}

function refusal(run: () => unknown): WriteRefused {
  try {
    run();
  } catch (error) {
    if (error instanceof WriteRefused) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('paths inside the folder', () => {
  it.each(['', '/etc/hosts', '../x', 'a/../../x', 'a//b', './a', 'a/.', 'a\\..\\b', 'a\0b'])(
    '%j is refused as a path inside',
    (path) => {
      expect(pathParts(path)).toBeUndefined();
      expect(() => folderAt(fresh()).pathOf(path)).toThrow(/is not a path inside/);
    },
  );

  it('a plain relative path is inside', () => {
    expect(pathParts('web1/etc/hosts')).toEqual(['web1', 'etc', 'hosts']);
  });
});

describe('class 1: never through a link found in place, never over a file of the user', () => {
  it('refuses every link in the way at once, writes nothing, and leaves the targets as they were', () => {
    const dir = fresh();
    const victim = join(scratch, `victim-${count}.txt`);
    writeFileSync(victim, 'precious');
    const elsewhere = join(scratch, `elsewhere-${count}`);
    mkdirSync(elsewhere);
    mkdirSync(join(dir, 'web1/etc'), { recursive: true });
    symlinkSync('../../../' + `victim-${count}.txt`, join(dir, 'web1/etc/hosts'));
    symlinkSync(elsewhere, join(dir, 'web2'));
    symlinkSync('/nonexistent/dangling', join(dir, 'Vagrantfile'));
    const before = treeOf(dir);
    const error = refusal(() =>
      folderAt(dir).write([
        { path: 'Vagrantfile', content: 'v' },
        { path: 'web1/etc/hosts', content: 'h' },
        { path: 'web2/etc/hosts', content: 'h' },
        { path: 'web3/etc/hosts', content: 'h' },
      ]),
    );
    expect(error.problems).toEqual([
      `${dir}/Vagrantfile is a symbolic link, which hafarm does not write through (remove it)`,
      `${dir}/web1/etc/hosts is a symbolic link, which hafarm does not write through (remove it)`,
      `${dir}/web2 is a symbolic link, which hafarm does not write through (remove it)`,
    ]);
    expect(error.message).toMatch(/^--out .*: nothing was written, because:\n {2}- /);
    expect(treeOf(dir)).toEqual(before);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('refuses a file of the user (or one changed since hafarm wrote it), and replaces it with leave', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'Vagrantfile'), "# the user's own\n");
    const error = refusal(() => folderAt(dir).write([{ path: 'Vagrantfile', content: 'generated\n' }]));
    expect(error.message).toBe(
      `--out ${dir}: nothing was written, because ${dir}/Vagrantfile is there and hafarm did not write it (or it was changed since). Pass --force to replace them.`,
    );
    expect(readFileSync(join(dir, 'Vagrantfile'), 'utf8')).toBe("# the user's own\n");
    folderAt(dir, [join(dir, 'Vagrantfile')]).write([{ path: 'Vagrantfile', content: 'generated\n' }]);
    expect(readFileSync(join(dir, 'Vagrantfile'), 'utf8')).toBe('generated\n');
    writeFileSync(join(dir, 'Vagrantfile'), 'edited\n');
    folderAt(dir, [], true).write([{ path: 'Vagrantfile', content: 'forced\n' }]);
    expect(readFileSync(join(dir, 'Vagrantfile'), 'utf8')).toBe('forced\n');
  });

  it('accepts a file that already holds exactly what is to be written (nothing of the user is lost)', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'same'), 'x');
    expect(folderAt(dir).problems([{ path: 'same', content: 'x' }])).toEqual([]);
  });

  it.each([
    ['a folder', (p: string) => mkdirSync(p), 'is a folder, not a file hafarm wrote'],
    ['a named pipe', (p: string) => execFileSync('mkfifo', [p]), 'is a named pipe, not a file hafarm wrote'],
  ])('refuses %s at the file, without opening it', (_what, make, said) => {
    const dir = fresh();
    make(join(dir, 'index.html'));
    expect(refusal(() => folderAt(dir, [], true).write([{ path: 'index.html', content: 'x' }])).message).toContain(
      said,
    );
  });

  it('refuses a file where a folder goes', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'web1'), 'x');
    expect(refusal(() => folderAt(dir).write([{ path: 'web1/etc/hosts', content: 'x' }])).problems).toEqual([
      `${dir}/web1 is a file where a folder is needed`,
    ]);
  });

  it('follows links in the path the user gave for the folder itself (their own, as /tmp may be)', () => {
    const real = fresh();
    const link = join(scratch, `link-${count}`);
    symlinkSync(real, link);
    folderAt(link).write([{ path: 'a/b', content: 'x' }]);
    expect(readFileSync(join(real, 'a/b'), 'utf8')).toBe('x');
  });

  it('a link planted inside after the check is replaced, never followed (rename takes the link itself)', () => {
    const dir = fresh();
    const victim = join(scratch, `victim-late-${count}`);
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'late'));
    replaceFile(join(dir, 'late'), 'new', 0o644);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'late')).isFile()).toBe(true);
  });
});

describe('class 2: a file replaced whole or not at all', () => {
  it('gives a written file exactly the mode asked for, whatever the umask', () => {
    const dir = fresh();
    const old = process.umask(0o077);
    try {
      folderAt(dir).write([
        { path: 'authkeys', content: 'k', mode: 0o600 },
        { path: 'page', content: 'p', mode: 0o644 },
      ]);
    } finally {
      process.umask(old);
    }
    expect(statSync(join(dir, 'authkeys')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'page')).mode & 0o777).toBe(0o644);
  });

  it('leaves the old file and no partial one when the new one cannot be completed (a size limit)', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'Vagrantfile'), 'old\n');
    const script = `
      import { replaceFile } from ${JSON.stringify(join(process.cwd(), 'lib/files/target-folder.ts'))};
      try { replaceFile(${JSON.stringify(join(dir, 'Vagrantfile'))}, 'x'.repeat(8192), 0o644); }
      catch (error) { console.log(error.message); }
    `;
    const said = execFileSync('bash', ['-c', 'ulimit -f 2; exec "$@"', '_', ...tsx(), '-e', script], {
      encoding: 'utf8',
    });
    expect(said.trim()).toBe(
      `cannot write ${dir}/Vagrantfile: the file would pass the size limit set for this process (ulimit -f) or its file system (EFBIG); raise the limit (ulimit -f unlimited), or pass another --state (or --out) folder.`,
    );
    expect(readFileSync(join(dir, 'Vagrantfile'), 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['Vagrantfile']);
  });
});

/** tsx's command line, to run a script under a shell's limits */
function tsx(): string[] {
  return [process.execPath, '--import', 'tsx'];
}

describe("class 3: the kernel's file systems", () => {
  it.each(['/proc/self/x', '/proc', '/sys/kernel/x', '/dev/shm/x', '/dev/x/y', '/sys/fs/cgroup/x'])(
    '%s is refused as a target, and no folder is made there',
    (dir) => {
      expect(kernelFileSystemOf(dir)).toMatch(/the kernel's$/);
      expect(() => folderAt(dir).write([{ path: 'a', content: 'x' }])).toThrow(/the kernel's: it holds no files/);
      expect(() => makeFolderChain(join(dir, 'deeper'))).toThrow(WriteRefused);
      expect(existsSync(dir) && dir !== '/proc').toBe(false);
    },
  );

  it('an ordinary folder is none of them', () => {
    expect(kernelFileSystemOf(scratch)).toBeUndefined();
    expect(kernelFileSystemOf(join(scratch, 'not/yet/made'))).toBeUndefined();
  });
});
