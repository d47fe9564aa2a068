// The statistics page's password as a haproxy.cfg holds it (`stats auth USER:PASSWORD`, T8):
// read from a farm a student built by hand, whose password hafarm did not generate.

/** The password of `user` on the first `stats auth` line for it; undefined when there is none. */
export function statsPasswordIn(config: string, user: string): string | undefined {
  for (const raw of config.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^stats\s+auth\s+(\S+)$/.exec(line);
    if (!match) continue;
    const credentials = match[1]!;
    const colon = credentials.indexOf(':');
    if (colon > 0 && credentials.slice(0, colon) === user) return credentials.slice(colon + 1);
  }
  return undefined;
}
