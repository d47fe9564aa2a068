// The ES module half of record-loads.mjs: runs in Node's loader thread, writes each URL it resolves.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(process.env.HAFARM_RECORD_LOADS, `${resolved.url}\n`);
  return resolved;
}
