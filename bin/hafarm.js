#!/usr/bin/env node
// Installed entry point: runs the compiled CLI (dist/hafarm.js), compiling it first when it is
// missing or a source changed since it was made (scripts/compile.js). Where it cannot be compiled
// (a read-only install, no esbuild for this platform) the TypeScript runs through tsx, only slower.
import { pathToFileURL } from 'node:url';
import { compiledCli } from '../scripts/compile.js';

let cli;
try {
  cli = pathToFileURL(await compiledCli()).href;
} catch {
  const { register } = await import('tsx/esm/api');
  register();
  cli = new URL('../scripts/hafarm.ts', import.meta.url).href;
}
await import(cli);
