// What keepalived -t says, placed at the definition's fields: its complaints on a line the
// definition wrote land at that field, those on the template's own lines and those about this
// host (interfaces, the check script) are left out, and anything else is kept at keepalived.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../../lib/farm/load-lab.ts';
import {
  fieldOfKeepalivedLine,
  keepalivedOutputToProblems,
} from '../../../../roles/keepalived/keepalived-config-check.ts';

const TUTORIAL = readFileSync(new URL('../../../../lab.yaml', import.meta.url), 'utf8');
const lab = parseLab(`${TUTORIAL}\nha:\n  stack: keepalived\n`, '/labs/ka.yaml');
const [master, backup] = lab.hosts;

describe('the field of a line of keepalived.conf', () => {
  it.each([
    ['  advert_int 0.30000000000000004', ['keepalived', 'advert_int']],
    ['  virtual_router_id 300', ['keepalived', 'virtual_router_id']],
    ['  vrrp_version 3', ['keepalived', 'version']],
    ['  interval 1', ['keepalived', 'check_interval']],
    ['  nopreempt', ['keepalived', 'preempt']],
    ['  interface eth2', ['networks', 'heartbeat', 'interface']],
    ['    192.168.1.100/24 dev eth1', ['vip', 'address']],
    ['  router_id haproxy1', ['hosts', 0, 'name']],
    ['  priority 150', ['hosts', 0, 'role']],
    ['  state MASTER', ['hosts', 0, 'role']],
  ])('%s', (line, field) => {
    expect(fieldOfKeepalivedLine(lab, master!, line)).toEqual(field);
  });

  it("leaves the template's own lines out, and places a backup's lines at its host", () => {
    for (const line of ['  max_auto_priority', '  garp_master_refresh 1', '  script_user root', '# T5'])
      expect(fieldOfKeepalivedLine(lab, master!, line)).toBeUndefined();
    expect(fieldOfKeepalivedLine(lab, backup!, '  priority 100')).toEqual(['hosts', 1, 'role']);
  });
});

describe("keepalived -t's output", () => {
  const config = [
    'vrrp_instance VI_1 {',
    '  interface eth2',
    '  virtual_router_id 300',
    '  advert_int 0.30000000000000004',
    '  garp_master_refresh x',
    '}',
  ].join('\n');
  const output = [
    "(/tmp/k/keepalived.conf: Line 2) WARNING - interface eth2 for vrrp_instance VI_1 doesn't exist",
    "(/tmp/k/keepalived.conf: Line 3) number '300' outside range [1, 255]",
    "(/tmp/k/keepalived.conf: Line 4) number '0.30000000000000004' has too many decimal places",
    "(/tmp/k/keepalived.conf: Line 5) invalid number 'x'",
    'Non-existent interface specified in configuration',
    'Disabling track script haproxy_running since not found/accessible',
    "WARNING - script '/etc/keepalived/haproxy-running' is not executable",
    'Config files missing',
    '',
  ].join('\n');

  it('places each complaint at its field and keeps what it cannot place at keepalived', () => {
    const allowed = 'what keepalived 2.2.7 accepts (keepalived -t on this host)';
    expect(keepalivedOutputToProblems(lab, master!, config, output, '2.2.7')).toEqual([
      {
        field: ['keepalived', 'virtual_router_id'],
        problem: "keepalived -t: number '300' outside range [1, 255]",
        allowed,
      },
      {
        field: ['keepalived', 'advert_int'],
        problem: "keepalived -t: number '0.30000000000000004' has too many decimal places",
        allowed,
      },
      { field: ['keepalived'], problem: 'keepalived -t: Config files missing', allowed },
    ]);
  });

  it('finds nothing in the silence of a file it accepts', () => {
    expect(keepalivedOutputToProblems(lab, master!, config, '', '2.2.7')).toEqual([]);
  });
});
