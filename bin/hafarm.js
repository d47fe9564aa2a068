#!/usr/bin/env node
// Installed entry point: runs the compiled CLI (dist/hafarm.js), compiling it first when it is
// missing or a source changed since it was made (scripts/compile.js). Where it cannot be compiled
// or written (a read-only install, a source that does not compile) the TypeScript runs through
// tsx, only slower, and says so; tsx then reports a source that does not compile its own way.
import { pathToFileURL } from 'node:url';
import { compiledCli } from '../scripts/compile.js';

let cli;
try {
  cli = pathToFileURL(await compiledCli()).href;
} catch (error) {
  const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
  console.error(`hafarm: running the TypeScript through tsx, slower (the compiled CLI could not be made: ${why})`);
  const { register } = await import('tsx/esm/api');
  register();
  cli = new URL('../scripts/hafarm.ts', import.meta.url).href;
}
await import(cli);
