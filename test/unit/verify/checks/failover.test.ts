// V4 and V5's sentences (lib/verify/checks/failover.ts): in English as they always were, in
// Spanish with the same figures; the stack's log lines and its name quoted as they are.
import { describe, expect, it } from 'vitest';
import { powered } from '../../../../lib/verify/steady-load.ts';
import { english, speaker } from '../../../../lib/said.ts';
import {
  describeOutage,
  failbackCheck,
  failbackSummary,
  failoverCheck,
  holdsVip,
  masterWithoutVip,
  noFailback,
  noTakeover,
  powerOnReturned,
  serves,
  takeoverSummary,
  takerServes,
} from '../../../../lib/verify/checks/failover.ts';

const es = speaker('es');
const outage = { seconds: 3.456, failed: 4, total: 37 };
const expected = { en: '"haproxy1: is dead"', es: '"haproxy1: is dead" (el nodo muerto)' };

describe('V4 and V5 in English', () => {
  it('keep their titles', () => {
    expect(failoverCheck.title.en).toBe('master balancer fails');
    expect(failbackCheck.title.en).toBe('failback');
  });

  it('keep their sentences as they were', () => {
    const lost = describeOutage(outage, 'power off', english);
    expect(lost).toBe('3.46 s without service, 4 of 37 requests since power off failed');
    expect(describeOutage(outage, 'power on', english)).toBe(
      '3.46 s without service, 4 of 37 requests since power on failed',
    );
    expect(powered('haproxy1', false, english)).toBe('haproxy1 powered off');
    expect(powered('haproxy1', true, english)).toBe('haproxy1 powered on');
    expect(serves('haproxy2', english)).toBe('haproxy2 serves');
    expect(holdsVip('haproxy1', english)).toBe('haproxy1 holds the VIP');
    expect(masterWithoutVip('haproxy1', '192.168.1.100', english)).toBe(
      'haproxy1 does not hold the VIP 192.168.1.100 to begin with',
    );
    expect(noTakeover('haproxy1', 60_000, english)).toBe(
      'after powering haproxy1 off no standby served the VIP within 60 s',
    );
    const taken = { taker: 'haproxy2', stack: 'Heartbeat', expected: english.said(expected), outage: lost };
    expect(takeoverSummary({ ...taken, proven: true }, english)).toBe(
      'haproxy2 took over the VIP; 3.46 s without service, 4 of 37 requests since power off failed',
    );
    expect(takeoverSummary({ ...taken, proven: false }, english)).toBe(
      'haproxy2 holds the VIP but its Heartbeat log says nothing of "haproxy1: is dead" since the check began',
    );
    expect(takerServes(english('haproxy1 powered off', ''), 'haproxy2', 4.2, english)).toBe(
      'haproxy1 powered off; haproxy2 serves 4.20 s after the power command returned',
    );
    expect(noFailback('keepalived', english)).toBe(
      'keepalived does not fail back in this lab definition (auto_failback off): nothing to fail back',
    );
    const since = describeOutage({ seconds: 0, failed: 0, total: 50 }, 'power on', english);
    expect(failbackSummary('haproxy1', 12.3, since, 60_000, english)).toBe(
      'haproxy1 holds the VIP again 12.30 s after it booted; 0.00 s without service, 0 of 50 requests since power on failed',
    );
    expect(failbackSummary('haproxy1', undefined, since, 60_000, english)).toBe(
      'haproxy1 did not take the VIP back within 60 s',
    );
    expect(powerOnReturned(english('haproxy1 powered on', ''), english)).toBe(
      'times from the moment the power command returned: haproxy1 powered on',
    );
  });
});

describe('V4 and V5 in Spanish', () => {
  it('have Spanish titles', () => {
    expect(failoverCheck.title.es).toBe('falla el balanceador maestro');
    expect(failbackCheck.title.es).toBe('recuperación (failback)');
  });

  it('say the outage with the same figures, agreeing in number', () => {
    expect(describeOutage(outage, 'power off', es)).toBe(
      '3.46 s sin servicio, desde el apagado fallaron 4 de 37 peticiones',
    );
    expect(describeOutage({ seconds: 0.5, failed: 1, total: 1 }, 'power on', es)).toBe(
      '0.50 s sin servicio, desde el encendido falló 1 de 1 petición',
    );
  });

  it('say the takeover, the stack and its log as they are', () => {
    const lost = describeOutage(outage, 'power off', es);
    const taken = { taker: 'haproxy2', stack: 'Heartbeat', expected: es.said(expected), outage: lost };
    expect(takeoverSummary({ ...taken, proven: true }, es)).toBe(
      'haproxy2 se hizo cargo de la VIP; 3.46 s sin servicio, desde el apagado fallaron 4 de 37 peticiones',
    );
    expect(takeoverSummary({ ...taken, proven: false }, es)).toBe(
      'haproxy2 tiene la VIP, pero su log de Heartbeat no dice nada de "haproxy1: is dead" (el nodo muerto) desde que empezó la comprobación',
    );
    expect(masterWithoutVip('haproxy1', '192.168.1.100', es)).toBe('haproxy1 no tiene la VIP 192.168.1.100 al empezar');
    expect(noTakeover('haproxy1', 60_000, es)).toBe(
      'tras apagar haproxy1, ningún balanceador de respaldo atendió la VIP en 60 s',
    );
    expect(takerServes(powered('haproxy1', false, es), 'haproxy2', 4.2, es)).toBe(
      'haproxy1 apagado; haproxy2 da servicio 4.20 s después de terminar la orden de apagado',
    );
    expect(serves('haproxy2', es)).toBe('haproxy2 da servicio');
  });

  it('say the failback', () => {
    expect(holdsVip('haproxy1', es)).toBe('haproxy1 tiene la VIP');
    expect(noFailback('Heartbeat', es)).toBe(
      'Heartbeat no hace recuperación (failback) en esta definición del laboratorio (auto_failback off): no hay nada que recuperar',
    );
    const since = describeOutage({ seconds: 0, failed: 0, total: 50 }, 'power on', es);
    expect(failbackSummary('haproxy1', 12.3, since, 60_000, es)).toBe(
      'haproxy1 vuelve a tener la VIP 12.30 s después de arrancar; 0.00 s sin servicio, desde el encendido fallaron 0 de 50 peticiones',
    );
    expect(failbackSummary('haproxy1', undefined, since, 60_000, es)).toBe('haproxy1 no recuperó la VIP en 60 s');
    expect(powerOnReturned(powered('haproxy1', true, es), es)).toBe(
      'tiempos contados desde que terminó la orden de encendido: haproxy1 encendido',
    );
  });
});
