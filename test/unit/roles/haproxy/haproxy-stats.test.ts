// HAProxy's stats CSV as the checks read it (lib/verify/haproxy-stats.ts).
import { describe, expect, it } from 'vitest';
import { parseStatsCsv } from '../../../../roles/haproxy/haproxy-stats.ts';

describe('HAProxy stats CSV', () => {
  it('keys each row by the header', () => {
    const csv =
      '# pxname,svname,qcur,status,check_status\nweb-cluster,FRONTEND,,OPEN,\nweb-cluster,web1,0,UP,L4OK\nweb-cluster,web2,0,DOWN,L4TOUT\n';
    const rows = parseStatsCsv(csv);
    expect(rows.find((r) => r.svname === 'web2')).toMatchObject({
      pxname: 'web-cluster',
      status: 'DOWN',
      check_status: 'L4TOUT',
    });
    expect(rows).toHaveLength(3);
  });
});
