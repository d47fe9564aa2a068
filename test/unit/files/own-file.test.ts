// Files hafarm writes into folders of its own (lib/state/own-file.ts): never through a symbolic
// link planted where the file or its folder goes; the link's target is left as it was.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LinkInTheWay, claimOwnFile, writeOwnFile } from '../../../lib/files/own-file.ts';
import { writeReport } from '../../../lib/verify/report/write-report.ts';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { asIs } from '../../../lib/said.ts';
import { TUTORIAL_LAB } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hafarm-own-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('own files', () => {
  it('are written, and written again, where nothing or a plain file stands', () => {
    const file = join(dir, 'new', 'index.html');
    writeOwnFile(file, 'one');
    writeOwnFile(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
  });

  it("are never written through a link at the file's place, which is named in the refusal", () => {
    const target = join(dir, 'precious');
    writeFileSync(target, 'keep me');
    const report = join(dir, 'report');
    mkdirSync(report);
    symlinkSync(target, join(report, 'summary.md'));
    expect(() => writeOwnFile(join(report, 'summary.md'), 'x')).toThrow(LinkInTheWay);
    expect(() => claimOwnFile(join(report, 'summary.md'))).toThrow(
      `${join(report, 'summary.md')} is a symbolic link where hafarm writes a file of its own`,
    );
    expect(readFileSync(target, 'utf8')).toBe('keep me');
  });

  it("refuse a report folder that is a link, and lab:verify's report writes nothing through it", () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const report = join(dir, 'state-report');
    symlinkSync(elsewhere, report);
    expect(() => writeReport(report, loadLab(TUTORIAL_LAB), [], { vantage: asIs('from nowhere') })).toThrow(
      `${report} is a symbolic link where hafarm writes a folder of its own`,
    );
    expect(() => writeOwnFile(join(report, 'index.html'), 'x')).toThrow(LinkInTheWay);
    expect(readFileSync(join(dir, 'new', 'index.html'), 'utf8')).toBe('two');
    expect(() => readFileSync(join(elsewhere, 'index.html'))).toThrow();
  });
});
