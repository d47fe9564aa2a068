// Preloaded with `node --import`: appends every module the process loads, ES module or CommonJS,
// to the file HAFARM_RECORD_LOADS names, one path or URL a line (test/integration/cli-start-up).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.HAFARM_RECORD_LOADS;
if (!file) throw new Error('record-loads.mjs: HAFARM_RECORD_LOADS names no file');
register('./record-loads-hooks.mjs', import.meta.url);
// CommonJS packages required from CommonJS (or through createRequire) pass no ES module hook.
process.on('exit', () =>
  appendFileSync(
    file,
    Object.keys(createRequire(import.meta.url).cache)
      .map((path) => `${path}\n`)
      .join(''),
  ),
);
