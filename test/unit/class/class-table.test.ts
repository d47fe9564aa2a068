// The class table (issue 29): a student's farm cannot reach the teacher's spreadsheet as a
// formula nor the page as markup, and every cell is bounded.
import { describe, expect, it } from 'vitest';
import { cell, classCsv, classHtml, csvField, type ClassRow } from '../../../lib/class/class-table.ts';
import type { FarmGrade } from '../../../lib/class/grade-farm.ts';
import { speaker } from '../../../lib/said.ts';

const grade = (checks: Record<string, 'PASS' | 'FAIL' | 'NOT RUN'>, extra: Partial<FarmGrade> = {}): FarmGrade => ({
  checks: new Map(Object.entries(checks).map(([id, verdict]) => [id, { verdict, summary: `${id} ${verdict}` }])),
  findings: [],
  ...extra,
});

const rows: ClassRow[] = [
  {
    student: 'Ana García',
    lab: '/c/ana.yaml',
    grade: grade({ V1: 'PASS', V2: 'PASS', V4: 'NOT RUN' }),
    reportHref: 'farms/001-ana-garcia/report/index.html',
  },
  {
    student: 'Luis',
    lab: '/c/luis.yaml',
    grade: grade(
      { V1: 'FAIL', V10: 'PASS' },
      { findings: ['T8 haproxy1: /etc/haproxy/haproxy.cfg says `listen web-cluster 192.168.1.100:80`'] },
    ),
    reportHref: 'farms/002-luis/report/index.html',
  },
  {
    student: 'Eva',
    lab: '/c/eva.yaml',
    grade: grade({}, { problem: 'lab:up failed: haproxy1: cannot connect to root@10.0.0.9:22: timed out' }),
  },
];

describe('the class table', () => {
  it('as CSV: a header, a row per student, a column per check in the tutorial order, counts and the reason', () => {
    const lines = classCsv(rows).split('\r\n');
    expect(lines[0]).toBe(
      '"student","lab","V1","V2","V4","V10","passed","failed","not run","problem","what is wrong","report"',
    );
    expect(lines[1]).toBe(
      '"Ana García","/c/ana.yaml","PASS","PASS","NOT RUN","","2","0","1","","","farms/001-ana-garcia/report/index.html"',
    );
    expect(lines[2]).toContain(
      '"FAIL","","","PASS","1","1","0","","T8 haproxy1: /etc/haproxy/haproxy.cfg says `listen web-cluster 192.168.1.100:80`"',
    );
    expect(lines[3]).toBe(
      '"Eva","/c/eva.yaml","","","","","0","0","0","lab:up failed: haproxy1: cannot connect to root@10.0.0.9:22: timed out","",""',
    );
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
  });

  it('keeps a hostile cell a cell: quotes doubled, no formula, no line break, bounded', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    for (const start of ['+', '-', '@']) expect(csvField(`${start}1`)).toBe(`"'${start}1"`);
    expect(cell('a\r\nb\u0007c\u2028d')).toBe('a b c d');
    expect(cell('x'.repeat(10_000))).toHaveLength(501);
    const hostile: ClassRow = {
      student: '=cmd|"/c calc"!A1',
      lab: '/c/x.yaml',
      grade: grade({}, { problem: 'a\nb,"c"', findings: ['<script>alert(1)</script>'] }),
    };
    const csv = classCsv([hostile]).split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(/^"'=cmd\|""\/c calc""!A1",/);
    expect(csv[1]).toContain('"a b,""c"""');
  });

  it('as HTML: every verdict linked to its check in the farm report, everything escaped', () => {
    const hostile: ClassRow = {
      student: '<img src=x onerror=alert(1)>',
      lab: '/c/x.yaml',
      grade: grade({ V1: 'PASS' }, { findings: ['<script>alert(1)</script>'] }),
      reportHref: 'farms/004-x/report/index.html?"><script>',
    };
    const html = classHtml([...rows, hostile], 'hafarm: <b>class</b>', new Date('2026-12-06T10:00:00Z'));
    expect(html).toContain('<a href="farms/001-ana-garcia/report/index.html#V1">PASS</a>');
    expect(html).toContain(
      '<td class="notrun" title="V4 NOT RUN"><a href="farms/001-ana-garcia/report/index.html#V4">NOT RUN</a></td>',
    );
    expect(html).toContain('lab:up failed: haproxy1: cannot connect to root@10.0.0.9:22: timed out');
    expect(html).not.toMatch(/<script>|<img|<b>/);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('index.html?&#34;&#62;&#60;script&#62;#V1');
  });

  it('in Spanish: the headers, the verdicts, the links and the page language', () => {
    const es = speaker('es');
    const lines = classCsv(rows, es).split('\r\n');
    expect(lines[0]).toBe(
      '"estudiante","laboratorio","V1","V2","V4","V10","superadas","fallidas","no ejecutadas","problema","qué está mal","informe"',
    );
    expect(lines[1]).toContain('"SUPERADA","SUPERADA","NO EJECUTADA","","2","0","1"');
    expect(lines[2]).toContain('"FALLIDA","","","SUPERADA"');
    const html = classHtml(rows, 'hafarm: la clase de clase.yaml', new Date('2026-12-06T10:00:00Z'), es);
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<a href="farms/001-ana-garcia/report/index.html#V1">SUPERADA</a>');
    expect(html).toContain('>NO EJECUTADA</a>');
    expect(html).toContain('3 granjas; cada veredicto enlaza con la comprobación en el informe de esa granja.');
    expect(html).toContain('<th>estudiante</th>');
    expect(html).toContain('>informe</a>');
    // the summaries in the cells' titles are the farms' own (English in these rows)
    expect(html.replace(/ title="[^"]*"/g, '')).not.toMatch(/PASS|FAIL|NOT RUN|student|passed/);
  });
});
