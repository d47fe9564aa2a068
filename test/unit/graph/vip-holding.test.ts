// Who holds the VIP, for the picture: asked of every balancer at once, never waited on for long.
import { describe, expect, it } from 'vitest';
import { describeHolding, NOT_UP, readVipHolding, showsAddress } from '../../../lib/graph/vip-holding.ts';
import { speaker } from '../../../lib/said.ts';
import { loadLab } from '../../../lib/farm/load-lab.ts';
import { KEEPALIVED_THREE_LAB } from '../../helpers/cli.ts';

const lab = loadLab(KEEPALIVED_THREE_LAB);
const IP = (extra: string) =>
  `1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n2: eth1    inet 192.168.1.102/24 brd 192.168.1.255 scope global eth1\\       valid_lft forever\n${extra}`;
const WITH_VIP = IP('2: eth1    inet 192.168.1.100/24 scope global secondary eth1\\       valid_lft forever\n');
const answer = (stdout: string, code = 0) =>
  Promise.resolve({ code, stdout, stderr: '', stdoutBytes: Buffer.from(stdout) });

describe('showsAddress', () => {
  it('finds the address itself, not one it is the start of', () => {
    expect(showsAddress(WITH_VIP, '192.168.1.100')).toBe(true);
    expect(showsAddress(IP('2: eth1    inet 192.168.1.1000/24\n'), '192.168.1.100')).toBe(false);
    expect(showsAddress(IP('2: eth1    inet 192.168.1.10/24\n'), '192.168.1.100')).toBe(false);
  });
});

describe('readVipHolding', () => {
  it('names the one balancer that holds it', async () => {
    const holding = await readVipHolding(lab, (host) => answer(host === 'haproxy3' ? WITH_VIP : IP('')));
    expect(holding).toEqual({ holders: ['haproxy3'] });
    expect(describeHolding(holding)).toBe('VIP holder: haproxy3');
  });
  it('names both of a split brain', async () => {
    const holding = await readVipHolding(lab, (host) => answer(host === 'haproxy2' ? IP('') : WITH_VIP));
    expect(describeHolding(holding)).toBe('VIP holders: haproxy1 and haproxy3 (split brain)');
  });
  it('says none when every balancer answered without it, unknown when one did not answer', async () => {
    expect(describeHolding(await readVipHolding(lab, () => answer(IP(''))))).toBe(
      'VIP holder: none (no balancer has it)',
    );
    const holding = await readVipHolding(lab, (host) =>
      host === 'haproxy2'
        ? Promise.reject(new Error('haproxy2 is not running'))
        : host === 'haproxy3'
          ? answer('', 127)
          : answer(IP('')),
    );
    expect(describeHolding(holding)).toBe(
      'VIP holder: unknown (not asked of haproxy2: haproxy2 is not running; haproxy3: ip exited with 127)',
    );
  });
  it('names together the balancers that failed alike', async () => {
    const holding = await readVipHolding(lab, (host) =>
      host === 'haproxy3' ? answer(WITH_VIP) : Promise.reject(new Error('not running')),
    );
    expect(describeHolding(holding)).toBe('VIP holder: haproxy3 (not asked of haproxy1, haproxy2: not running)');
  });
  it('does not wait past its bound on a balancer that never answers', async () => {
    const started = Date.now();
    const holding = await readVipHolding(lab, () => new Promise(() => undefined), 100);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(describeHolding(holding)).toBe('VIP holder: unknown (the balancers did not answer within 0.1 s)');
  });
  it('says so when the lab is not up', () => {
    expect(describeHolding(NOT_UP)).toBe('VIP holder: unknown (lab not up)');
  });
  it('is said in Spanish for a Spanish report', () => {
    const es = speaker('es');
    expect(describeHolding(NOT_UP, es)).toBe('titular de la VIP: desconocido (el laboratorio no está levantado)');
    expect(describeHolding({ holders: ['haproxy1', 'haproxy2'] }, es)).toBe(
      'titulares de la VIP: haproxy1 y haproxy2 (split brain)',
    );
    expect(describeHolding({ holders: [] }, es)).toBe('titular de la VIP: ninguno (ningún balanceador la tiene)');
  });
});
