// The problems a definition text is refused with, for the tests of what the loader refuses; a
// definition that loads fails the test.
import { expect } from 'vitest';
import { LabDefinitionError, type DefinitionIssue } from '../../lib/lab/definition-error.ts';
import { parseLab } from '../../lib/farm/load-lab.ts';

export function issuesOf(text: string): DefinitionIssue[] {
  try {
    parseLab(text, '/labs/bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(LabDefinitionError);
    return (error as LabDefinitionError).issues;
  }
  throw new Error('the definition was accepted');
}
