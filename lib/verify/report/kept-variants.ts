// The runs of a check under different definitions, kept for the report to show side by side
// (V8 with one heartbeat path and with two): the last run of each variant, in
// <report>/kept/<ID>-<variant>.json with its timeline beside it. A run of a later definition
// does not erase the earlier one's, which is the point: the report compares them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownFolder, writeOwnFile } from '../../files/own-file.ts';
import type { CheckResult } from '../check.ts';
import { timelineSvg } from './svg-timeline.ts';
import type { Speaker } from '../../said.ts';

export interface KeptRun {
  id: string;
  title: string;
  variant: string;
  passed: boolean;
  summary: string;
  /** ISO time of the run */
  when: string;
  /** the timeline's file, relative to the report's folder */
  timeline?: string;
}

const KEPT = 'kept';

/** A file name of the variant's words: lowercase letters, digits and "-". */
export function variantSlug(variant: string): string {
  return (
    variant
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'default'
  );
}

/** A kept run read back, or undefined when the file is not one (edited, damaged): only plain data of the right shape is shown. */
export function keptRunOf(text: string): KeptRun | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const strings = ['id', 'title', 'variant', 'summary', 'when'].every((k) => typeof v[k] === 'string');
  if (!strings || typeof v.passed !== 'boolean' || !/^V\d+$/.test(v.id as string)) return undefined;
  if (v.timeline !== undefined && (typeof v.timeline !== 'string' || !/^kept\/V\d+-[a-z0-9-]+\.svg$/.test(v.timeline)))
    return undefined;
  return {
    id: v.id as string,
    title: v.title as string,
    variant: v.variant as string,
    passed: v.passed,
    summary: v.summary as string,
    when: v.when as string,
    ...(v.timeline ? { timeline: v.timeline as string } : {}),
  };
}

/** Keeps this run's results that have a variant; returns every kept run, by check and variant. */
export function keepVariants(dir: string, results: CheckResult[], when: Date, say: Speaker): KeptRun[] {
  const folder = join(dir, KEPT);
  const withVariant = results.filter((r) => r.variant !== undefined);
  if (withVariant.length > 0) ownFolder(folder);
  for (const r of withVariant) {
    // Filed under the English words: a run in another language replaces the same variant's file.
    const name = `${r.id}-${variantSlug(r.variant!.en)}`;
    const timeline = r.timeline ? `${KEPT}/${name}.svg` : undefined;
    if (r.timeline) writeOwnFile(join(dir, timeline!), timelineSvg(`${r.id} ${r.title}`, r.timeline, say));
    const kept: KeptRun = {
      id: r.id,
      title: r.title,
      variant: say.said(r.variant!),
      passed: r.passed,
      summary: r.summary,
      when: when.toISOString(),
      ...(timeline ? { timeline } : {}),
    };
    writeOwnFile(join(folder, `${name}.json`), `${JSON.stringify(kept, null, 2)}\n`);
  }
  let files: string[];
  try {
    files = readdirSync(folder).filter((f) => /^V\d+-[a-z0-9-]+\.json$/.test(f));
  } catch {
    return [];
  }
  return files
    .map((f) => keptRunOf(readFileSync(join(folder, f), 'utf8')))
    .filter((k): k is KeptRun => k !== undefined)
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }) || a.variant.localeCompare(b.variant));
}
