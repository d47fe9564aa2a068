// HAProxy (T8, T9): the balancers' load balancer in front of the web servers, its statistics
// page guarded by a password generated per lab.
import { randomBytes } from 'node:crypto';
import type { SecretSpec } from '../../lib/state/secret-spec.ts';
import { text } from '../../lib/state/state-json.ts';
import { masterBalancer } from '../../lib/lab/model.ts';
import type { Component } from '../component.ts';
import { statsPasswordIn } from './stats-credentials.ts';
import { haproxyImport } from './haproxy-import.ts';
import { haproxyMistakes } from './haproxy-mistakes.ts';
import { HAPROXY_PACKAGES, haproxyRole } from './haproxy-role.ts';
import { haproxySection } from './haproxy-section.ts';
import { haproxyValidator } from './haproxy-syntax-check.ts';

/** T8: the HAProxy stats page's password, the farm's own. */
export const STATS_PASSWORD: SecretSpec = {
  name: 'statsPassword',
  // letters and digits only, so it can sit in haproxy.cfg and a URL unquoted
  generate: () =>
    randomBytes(18)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 20),
  check: text(/^[A-Za-z0-9]{1,64}$/, '1 to 64 letters and digits', { secret: true }),
  describe: 'stats page password',
  // a farm built by hand: the password the student wrote on the master's `stats auth` line (T8)
  heldIn: {
    host: (lab) => masterBalancer(lab).name,
    file: '/etc/haproxy/haproxy.cfg',
    value: (config, lab) => statsPasswordIn(config, lab.haproxy.stats.user),
  },
};

export const haproxyComponent: Component = {
  name: 'haproxy',
  title: 'HAProxy',
  steps: ['T8', 'T9'],
  hosts: 'balancers',
  role: haproxyRole,
  packages: HAPROXY_PACKAGES,
  section: haproxySection,
  secrets: [STATS_PASSWORD],
  validator: haproxyValidator,
  mistakes: haproxyMistakes,
  imports: haproxyImport,
};
