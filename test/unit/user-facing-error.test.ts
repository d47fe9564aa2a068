// Every error the user can act on extends UserFacingError (lib/user-facing-error.ts): the CLI
// prints those without a stack, whatever their name.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../lib/cli/command.ts';
import { LabDefinitionError } from '../../lib/lab/definition-error.ts';
import { HostCommandFailed } from '../../lib/providers/netns/host-command.ts';
import { MachinesFailed } from '../../lib/providers/netns/netns-provider.ts';
import { PrerequisitesMissing } from '../../lib/providers/provider.ts';
import { NoUsableProvider } from '../../lib/providers/select-provider.ts';
import { VagrantCommandFailed } from '../../lib/providers/vagrant/vagrant-provider.ts';
import { UnsafeTemplateValue } from '../../lib/render/template-filters.ts';
import { StateMismatch } from '../../lib/state/lab-state.ts';
import { NotAStateFolder, StateDamaged } from '../../lib/state/state-problems.ts';
import { UserFacingError } from '../../lib/user-facing-error.ts';

describe('errors the user can act on', () => {
  it('are each a UserFacingError, under their own name', () => {
    const errors: Error[] = [
      new LabDefinitionError([{ file: 'lab.yaml', line: 1, column: 1, field: 'name', problem: 'missing' }]),
      new PrerequisitesMissing('netns', [{ what: 'root', howToGet: 'sudo' }]),
      new StateMismatch('not up'),
      new StateDamaged({ file: 'lab-state.json', problem: 'truncated', remedy: 'run lab:destroy' }),
      new NotAStateFolder({ reason: 'symlink', dir: '/x', target: '/y' }),
      new UnsafeTemplateValue('a newline'),
      new NoUsableProvider('none'),
      new VagrantCommandFailed('vagrant up failed'),
      new UsageError('--lab: missing'),
      new MachinesFailed('web1 did not boot'),
      new HostCommandFailed('ip link failed'),
    ];
    expect(errors.filter((error) => !(error instanceof UserFacingError)).map((error) => error.name)).toEqual([]);
    expect(errors.map((error) => error.name)).toEqual([
      'LabDefinitionError',
      'PrerequisitesMissing',
      'StateMismatch',
      'StateDamaged',
      'NotAStateFolder',
      'UnsafeTemplateValue',
      'NoUsableProvider',
      'VagrantCommandFailed',
      'UsageError',
      'MachinesFailed',
      'HostCommandFailed',
    ]);
  });

  it('end a command with status 1, a usage error with 2', () => {
    expect(new StateMismatch('not up').exitCode).toBe(1);
    expect(new UsageError('--forks: a whole number').exitCode).toBe(2);
  });
});
