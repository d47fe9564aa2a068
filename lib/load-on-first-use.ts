// A package most commands never touch is loaded when it is first used, not at start-up: `hafarm
// --help` or `lab:validate` must not wait for ssh2, listr2, nunjucks or diff to load. For code that
// must stay synchronous; async code writes `await import(...)` where it needs the package.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A CommonJS package (or a package's CommonJS build), required on the first call and kept. */
export function requireOnFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
