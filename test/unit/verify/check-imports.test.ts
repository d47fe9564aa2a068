// The checks depend on the transport and the definition, never on each other; the transport and
// the rest of lab:verify know no check; and nothing outside lib/ha/ knows which HA stack it is
// talking to (only the contract and the one list), so a second stack touches no check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_DIR } from '../../helpers/cli.ts';
import { importsInto, sourceFiles } from '../../helpers/source-imports.ts';

const CHECKS = sourceFiles('lib/verify/checks');
const STACK_FOLDERS = sourceFiles('lib/ha')
  .map((file) => file.split('/').slice(0, 3).join('/'))
  .filter((folder, i, all) => !folder.endsWith('.ts') && all.indexOf(folder) === i);

describe('the checks', () => {
  it('import no other check', () => {
    expect(CHECKS.flatMap((check) => importsInto([check], ['lib/verify/checks']))).toEqual([]);
  });

  it('are imported only by their runner, which lists them', () => {
    const others = [...sourceFiles('lib'), ...sourceFiles('roles')].filter((file) => !file.startsWith('lib/verify/checks/') && file !== 'lib/verify/run-checks.ts');
    expect(importsInto(others, ['lib/verify/checks'])).toEqual([]);
  });

  it("name no HA stack: they ask the lab's stack", () => {
    expect(STACK_FOLDERS).toContain('lib/ha/heartbeat');
    const outsideHa = [...sourceFiles('lib'), ...sourceFiles('roles')].filter((file) => !file.startsWith('lib/ha/'));
    expect(importsInto(outsideHa, STACK_FOLDERS)).toEqual([]);
    const mentions = CHECKS.flatMap((check) => [...readFileSync(join(PROJECT_DIR, check), 'utf8').matchAll(/\blab\.heartbeat\b|\.heartbeat\.(?:logfile|autoFailback|udpport|keepalive|deadtime)/g)].map((m) => `${check}: ${m[0]}`));
    expect(mentions).toEqual([]);
  });
});
