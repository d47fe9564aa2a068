// HAProxy's statistics page as it was at a moment of a check (all UP, web2 DOWN, web2 back):
// what the tutorial's screenshots of it showed, kept by the report as HAProxy served it (its
// HTML and its CSV export) with the time it was taken.
import type { StatsReader } from './haproxy-stats.ts';
import type { Words } from '../../lib/said.ts';

export interface StatsSnapshot {
  /** the moment, in words: "all web servers UP" */
  label: Words;
  /** ISO time the page was read */
  takenAt: string;
  html: string;
  csv: string;
}

export async function statsSnapshot(ctx: StatsReader, label: Words): Promise<StatsSnapshot | undefined> {
  const auth = `${ctx.lab.haproxy.stats.user}:${ctx.statsPassword}`;
  const takenAt = new Date().toISOString();
  const [html, csv] = await Promise.all([
    ctx.client.get({ path: ctx.lab.haproxy.stats.uri, auth }),
    ctx.client.get({ path: `${ctx.lab.haproxy.stats.uri};csv`, auth }),
  ]);
  if (html?.status !== 200 || csv?.status !== 200) return undefined;
  return { label, takenAt, html: html.body, csv: csv.body };
}
