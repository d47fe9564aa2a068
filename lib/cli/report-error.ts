// Errors the user can act on are printed as their message alone; anything else is a bug in
// hafarm and keeps its stack.
import { fileSystemProblem } from './file-system-problem.ts';

const EXPECTED = new Set(['LabDefinitionError', 'PrerequisitesMissing', 'StateMismatch', 'StateDamaged', 'NotAStateFolder', 'UnsafeTemplateValue', 'NoUsableProvider', 'VagrantCommandFailed', 'UsageError', 'MachinesFailed', 'HostCommandFailed']);

export function reportError(error: unknown): number {
  if (error instanceof Error && EXPECTED.has(error.name)) {
    console.error(`hafarm: ${error.message}`);
    return error.name === 'UsageError' ? 2 : 1;
  }
  const fileSystem = fileSystemProblem(error);
  if (fileSystem) {
    console.error(`hafarm: ${fileSystem}`);
    return 1;
  }
  console.error('hafarm: unexpected error (please report it):');
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
}
