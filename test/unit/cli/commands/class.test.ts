// lab:class's folder per student (issue 29): plain letters, accents dropped, never empty.
import { describe, expect, it } from 'vitest';
import { farmFolder } from '../../../../lib/cli/commands/class.ts';

describe("a student's farm folder", () => {
  it('is the place in the list and the name in plain letters', () => {
    expect(farmFolder(0, { student: 'Ana García', lab: '/x' })).toBe('001-ana-garcia');
    expect(farmFolder(41, { student: 'José Ñúñez-Öztürk', lab: '/x' })).toBe('042-jose-nunez-ozturk');
    expect(farmFolder(2, { student: '../../etc <b>', lab: '/x' })).toBe('003-etc-b');
  });

  it('is a digest of the name where it has no plain letters: two such students never share one', () => {
    const a = farmFolder(0, { student: '王小明', lab: '/x' });
    const b = farmFolder(0, { student: '李小红', lab: '/x' });
    expect(a).toMatch(/^001-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});
