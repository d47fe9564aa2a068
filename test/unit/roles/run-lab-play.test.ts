// What provisioning reads of the HA stack on each balancer after the play, and what it counts as
// wrong (roles/run-lab-play.ts): the VIP where the definition puts it, every peer heard, the
// daemon running. The reading command runs here with this host's sh, against a stand-in pidof,
// ps and ip, so that its lines are the ones the parser reads.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { findHost } from '../../../lib/lab/model.ts';
import { heartbeatStack } from '../../../roles/heartbeat/heartbeat-stack.ts';
import { keepalivedStack } from '../../../roles/keepalived/keepalived-stack.ts';
import {
  memberProblems,
  memberReadCommand,
  parseMemberState,
  stackMembers,
  type MemberState,
} from '../../../roles/run-lab-play.ts';
import { KEEPALIVED_THREE_LAB, TUTORIAL_LAB } from '../../helpers/cli.ts';

const lab = loadLab(TUTORIAL_LAB);
const right: MemberState = { running: true, upSeconds: 100, holdsVip: false, deaf: [] };
const states = (haproxy1: Partial<MemberState>, haproxy2: Partial<MemberState>) =>
  new Map([
    ['haproxy1', { ...right, holdsVip: true, ...haproxy1 }],
    ['haproxy2', { ...right, ...haproxy2 }],
  ]);

const bin = mkdtempSync(join(tmpdir(), 'hafarm-member-read-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** Runs a member's reading command with stand-ins for the programs it calls. */
function readWith(programs: Record<string, string>, command: string): string {
  for (const [name, script] of Object.entries(programs)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return execFileSync('sh', ['-c', command], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
}

describe("the HA stack's state on a balancer", () => {
  it('is read by one command: the VIP, the daemon and its age, each peer it does not hear', () => {
    const command = memberReadCommand(lab, heartbeatStack, findHost(lab, 'haproxy1'));
    const output = readWith(
      {
        ip: `echo '3: eth1    inet 192.168.1.100/24 brd 192.168.1.255 scope global secondary eth1:0'`,
        pidof: 'exit 0',
        ps: `printf '   40\\n  713\\n    7\\n'`,
        cl_status: `case "$1" in nodestatus) echo dead; exit 1;; listhblinks) printf '\\teth2\\n';; hblinkstatus) echo dead;; esac`,
      },
      command,
    );
    expect(parseMemberState(output)).toEqual({
      running: true,
      upSeconds: 713,
      holdsVip: true,
      deaf: ['heard nothing from haproxy2 on eth2 (cl_status nodestatus: dead)'],
    });
  });

  it('reads a member that hears its peer, holds no VIP (a longer address is not the VIP), or runs no daemon', () => {
    const command = memberReadCommand(lab, heartbeatStack, findHost(lab, 'haproxy2'));
    const programs = {
      ip: `echo '3: eth1    inet 192.168.1.1000/24 scope global eth1'`,
      ps: `echo 5`,
      cl_status: `case "$1" in nodestatus) echo active;; esac`,
    };
    expect(parseMemberState(readWith({ ...programs, pidof: 'exit 0' }, command))).toEqual({
      running: true,
      upSeconds: 5,
      holdsVip: false,
      deaf: [],
    });
    expect(parseMemberState(readWith({ ...programs, pidof: 'exit 1' }, command))).toEqual({
      running: false,
      holdsVip: false,
      deaf: [],
    });
  });

  it('counts a Heartbeat that does not answer cl_status as deaf', () => {
    const command = memberReadCommand(lab, heartbeatStack, findHost(lab, 'haproxy1'));
    const output = readWith({ ip: 'true', pidof: 'exit 0', ps: 'echo 90', cl_status: 'exit 1' }, command);
    expect(parseMemberState(output).deaf).toEqual(['heard nothing from haproxy2 (cl_status nodestatus: no answer)']);
  });

  it("defaults to the stack's service where the stack declares nothing (keepalived: the VIP alone tells)", () => {
    expect(stackMembers(keepalivedStack)).toEqual({
      process: 'keepalived',
      stop: 'service keepalived stop',
      start: 'service keepalived start',
    });
    expect(memberReadCommand(lab, keepalivedStack, findHost(lab, 'haproxy1'))).not.toContain('deaf=');
    expect(stackMembers(heartbeatStack)).toMatchObject({ process: 'heartbeat', stop: 'service heartbeat stop' });
  });
});

describe('what is wrong with the stack', () => {
  it('nothing, when the master alone holds the VIP and every balancer runs and hears its peers', () => {
    expect(memberProblems(lab, heartbeatStack, states({}, {}))).toEqual(new Map());
  });

  it('the issue 27 farm: the master deaf without the VIP, the backup holding it', () => {
    const problems = memberProblems(
      lab,
      heartbeatStack,
      states(
        { holdsVip: false, deaf: ['heard nothing from haproxy2 on eth2 (cl_status nodestatus: dead)'] },
        { holdsVip: true, deaf: ['heard nothing from haproxy1 on eth2 (cl_status nodestatus: dead)'] },
      ),
    );
    expect(problems).toEqual(
      new Map([
        [
          'haproxy1',
          [
            'heard nothing from haproxy2 on eth2 (cl_status nodestatus: dead)',
            'did not hold the VIP 192.168.1.100 (haproxy2 did)',
          ],
        ],
        [
          'haproxy2',
          [
            'heard nothing from haproxy1 on eth2 (cl_status nodestatus: dead)',
            "held the VIP 192.168.1.100, which is haproxy1's",
          ],
        ],
      ]),
    );
  });

  it('a second holder, a missing VIP, a daemon not running', () => {
    expect(memberProblems(lab, heartbeatStack, states({}, { holdsVip: true }))).toEqual(
      new Map([['haproxy2', ["held the VIP 192.168.1.100, which is haproxy1's"]]]),
    );
    expect(memberProblems(lab, heartbeatStack, states({ holdsVip: false }, {}))).toEqual(
      new Map([['haproxy1', ['did not hold the VIP 192.168.1.100']]]),
    );
    expect(memberProblems(lab, heartbeatStack, states({}, { running: false }))).toEqual(
      new Map([['haproxy2', ['Heartbeat was not running']]]),
    );
  });

  it('without fail-back, the VIP on any one balancer: only a second holder or none is wrong', () => {
    const noFailback = { ...lab, heartbeat: { ...lab.heartbeat, autoFailback: false } };
    expect(memberProblems(noFailback, heartbeatStack, states({ holdsVip: false }, { holdsVip: true }))).toEqual(
      new Map(),
    );
    expect(memberProblems(noFailback, heartbeatStack, states({}, { holdsVip: true }))).toEqual(
      new Map([['haproxy2', ['held the VIP 192.168.1.100 as well as haproxy1']]]),
    );
    expect(memberProblems(noFailback, heartbeatStack, states({ holdsVip: false }, {}))).toEqual(
      new Map([['haproxy1', ['did not hold the VIP 192.168.1.100, and no other balancer did']]]),
    );
  });

  it('with three keepalived balancers, every backup holding the VIP is wrong', () => {
    const three = loadLab(KEEPALIVED_THREE_LAB);
    const names = three.hosts.filter((h) => h.role !== 'web').map((h) => h.name);
    const read = new Map(names.map((name, i) => [name, { ...right, holdsVip: i !== 1 }]));
    expect(memberProblems(three, keepalivedStack, read)).toEqual(
      new Map([[names[2]!, [`held the VIP ${three.vip.address}, which is ${names[0]}'s`]]]),
    );
  });
});
