// The `haproxy:` section of the lab definition as the model carries it (lab.haproxy): T8's
// listen section, its balance algorithm, persistence cookie, health checks, statistics page and
// timeouts (docs/lab-definition.md).

/** How HAProxy picks a web server for a request without a persistence cookie. */
export const BALANCE_ALGORITHMS = ['roundrobin', 'leastconn', 'source'] as const;
export type BalanceAlgorithm = (typeof BALANCE_ALGORITHMS)[number];

/** How HAProxy's persistence cookie keeps a client on its server. */
export const COOKIE_MODES = ['prefix', 'insert', 'rewrite'] as const;
export type CookieMode = (typeof COOKIE_MODES)[number];

/** HAProxy's health checks of each web server: one every `inter`, DOWN after `fall` failures, UP after `rise` successes. */
export interface HealthCheckSettings {
  /** an HAProxy time such as 2s */
  inter: string;
  fall: number;
  rise: number;
}

export interface HaproxySettings {
  listen: string;
  port: number;
  balance: BalanceAlgorithm;
  options: string[];
  cookie: { name: string; mode: CookieMode };
  check: HealthCheckSettings;
  stats: { uri: string; user: string };
  timeouts: { connect: string; client: string; server: string };
}

declare module '../../lib/lab/model.ts' {
  interface LabSections {
    haproxy: HaproxySettings;
  }
}
