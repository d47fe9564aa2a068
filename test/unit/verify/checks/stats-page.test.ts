// V2's sentences (lib/verify/checks/stats-page.ts) in English, as they always were, and in
// Spanish: statuses, HAProxy's words (UP, DOWN) and the page's path quoted as they are.
import { describe, expect, it } from 'vitest';
import { english, speaker } from '../../../../lib/said.ts';
import { notUp, statusWords } from '../../../../roles/haproxy/haproxy-stats.ts';
import {
  credentialProblems,
  passedSummary,
  snapshotLabel,
  statsEvidence,
} from '../../../../lib/verify/checks/stats-page.ts';

const es = speaker('es');
const allUp = [
  { name: 'web1', status: 'UP' },
  { name: 'web2', status: 'UP' },
];
const someNot = [
  { name: 'web1', status: 'UP' },
  { name: 'web2', status: 'DOWN' },
  { name: 'web3', status: 'missing' },
];

describe('the servers not UP', () => {
  it("keep HAProxy's status and say the rest", () => {
    expect(notUp(someNot, english)).toEqual(['web2 is DOWN', 'web3 is missing']);
    expect(notUp(someNot, es)).toEqual(['web2 está DOWN', 'web3 está ausente']);
    expect(notUp(allUp, es)).toEqual([]);
    expect(statusWords('MAINT', es)).toBe('MAINT');
  });
});

describe('the credentials', () => {
  it('pass 401 without them and 200 with them', () => {
    expect(credentialProblems({ status: 401 }, { status: 200 }, es)).toEqual([]);
  });

  it('say what came instead', () => {
    expect(credentialProblems({ status: 200 }, undefined, english)).toEqual([
      'without credentials: status 200 (expected 401)',
      'with credentials: no answer (expected 200)',
    ]);
    expect(credentialProblems({ status: 200 }, undefined, es)).toEqual([
      'sin credenciales: estado 200 (se esperaba 401)',
      'con credenciales: sin respuesta (se esperaba 200)',
    ]);
  });
});

describe('what V2 says', () => {
  it('labels the snapshot', () => {
    expect(snapshotLabel(allUp, english)).toBe('every web server UP');
    expect(snapshotLabel(allUp, es)).toBe('todos los servidores web en UP');
    expect(snapshotLabel(someNot, english)).toBe('not every web server UP (web2 is DOWN, web3 is missing)');
    expect(snapshotLabel(someNot, es)).toBe('no todos los servidores web en UP (web2 está DOWN, web3 está ausente)');
  });

  it('sums up a page that passed', () => {
    expect(passedSummary(allUp, english)).toBe('401 without credentials, 200 with them; web1 UP, web2 UP');
    expect(passedSummary(allUp, es)).toBe('401 sin credenciales, 200 con ellas; web1 UP, web2 UP');
  });

  it('shows each request and each server', () => {
    const page = { uri: '/haproxy?stats', user: 'admin' };
    expect(statsEvidence(page, { status: 401 }, undefined, someNot, english)).toEqual([
      'GET /haproxy?stats: 401',
      'GET /haproxy?stats as admin: no answer',
      'web1: UP',
      'web2: DOWN',
      'web3: missing',
    ]);
    expect(statsEvidence(page, { status: 401 }, undefined, someNot, es)).toEqual([
      'GET /haproxy?stats: 401',
      'GET /haproxy?stats como admin: sin respuesta',
      'web1: UP',
      'web2: DOWN',
      'web3: ausente',
    ]);
  });
});
