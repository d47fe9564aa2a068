// The engine (lib/engine) knows hosts, groups, roles and tasks as data, not this farm: it imports
// nothing from the lab model, the providers, the state folder, the renderer or the roles.
import { describe, expect, it } from 'vitest';
import { importsInto, projectImports, sourceFiles } from '../../helpers/source-imports.ts';

const FARM = ['lib/lab', 'lib/providers', 'lib/state', 'lib/render', 'roles'];

describe('the engine', () => {
  it('imports nothing from the lab, the providers, the state, the renderer or the roles', () => {
    expect(importsInto(sourceFiles('lib/engine'), FARM)).toEqual([]);
  });

  it('is read by this test: its files import each other, so the imports are found', () => {
    expect(projectImports('lib/engine/run-play.ts')).toContain('lib/engine/role.ts');
    expect(importsInto(['lib/render/template-task.ts'], ['lib/engine'])).toContain(
      'lib/render/template-task.ts → lib/engine/modules/file.ts',
    );
  });
});
