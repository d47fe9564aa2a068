// The class list (issue 29): every farm a student and a definition, every problem said at its line.
import { describe, expect, it } from 'vitest';
import { ClassListError, parseClassList } from '../../../lib/class/class-list.ts';

function problems(text: string): string[] {
  try {
    parseClassList(text, '/t/class.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ClassListError);
    return (error as ClassListError).issues.map((i) => `${i.line}: ${i.field}: ${i.problem}`);
  }
  throw new Error('accepted');
}

describe('the class list', () => {
  it('reads each student and their farm, a relative path from the list folder', () => {
    expect(
      parseClassList(
        'farms:\n  - {student: Ana García, lab: ana/lab.yaml}\n  - student: Luis\n    lab: /srv/luis.yaml\n',
        '/t/class.yaml',
      ),
    ).toEqual([
      { student: 'Ana García', lab: '/t/ana/lab.yaml' },
      { student: 'Luis', lab: '/srv/luis.yaml' },
    ]);
  });

  it('refuses every problem at once, at its line', () => {
    expect(
      problems(
        'farms:\n  - {student: Ana, lab: a.yaml}\n  - {student: Ana, lab: b.yaml}\n  - {student: "", lab: c.yaml}\n  - {student: Eva}\n  - {student: "x\\ny", lab: d, note: 1}\n',
      ),
    ).toEqual([
      '3: farms[1].student: Ana is farms[0] already',
      '4: farms[2].student: must be a non-empty string',
      '5: farms[3].lab: missing field (required)',
      '6: farms[4].note: unknown field',
      '6: farms[4].student: "x\ny" is not valid',
    ]);
    expect(problems('farms: []\n')).toEqual([
      '1: farms: must be a non-empty list of farms, each {student: NAME, lab: FILE}',
    ]);
    expect(problems('farms: [\n')[0]).toMatch(/^\d+: \(YAML syntax\): /);
    expect(problems('students: []\n')).toEqual(['1: students: unknown field', '1: farms: missing field (required)']);
  });
});
